import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Stack } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The reference pipelines (copies of ../shared/reference/spinnaker-pipelines) and the export fixtures.
const REFERENCE = join(ROOT, 'libs/pipeline/src/fixtures/spinnaker');
const EXPORTS = join(ROOT, 'libs/spinnaker-import/src/fixtures/export');
const TOKEN = 'gk_import-spec-admin-token';

let stack: Stack;
let dir: string;

function gennaker(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/gennaker.js'), ...args], {
      cwd: dir,
      env: { ...process.env, GENNAKER_URL: stack.apiUrl, GENNAKER_TOKEN: TOKEN, XDG_CONFIG_HOME: join(dir, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface ReportItem {
  kind: string;
  name: string;
  source: string;
  result: string;
  action: string;
  changes: Array<{ pointer: string; message: string }>;
  warnings: Array<{ pointer: string; message: string }>;
  problems: Array<{ pointer: string; message: string }>;
}

async function importJson(args: string[]): Promise<{ code: number | null; items: ReportItem[]; summary: Record<string, number>; stderr: string }> {
  const r = await gennaker(['import', 'spinnaker', ...args, '-o', 'json']);
  let parsed: { items: ReportItem[]; summary: Record<string, number> };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, ...parsed, stderr: r.stderr };
}

const byName = (items: ReportItem[], name: string): ReportItem => {
  const found = items.find((i) => i.name === name);
  if (!found) throw new Error(`no item ${name} in ${items.map((i) => i.name).join(', ')}`);
  return found;
};

async function applicationNames(): Promise<string[]> {
  return ((await stack.client.get('/api/v1/applications')).body.items as Array<{ name: string }>).map((a) => a.name).sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gk-import-'));
  cpSync(REFERENCE, join(dir, 'reference'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  cpSync(join(dir, 'reference'), join(dir, 'everything/pipelines'), { recursive: true });
  cpSync(EXPORTS, join(dir, 'everything/exports'), { recursive: true });
  stack = await Stack.start({ workers: 0, env: { GENNAKER_ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gennaker import spinnaker', () => {
  it('--dry-run: converts and validates every reference pipeline through the API, names what is not importable, writes nothing', async () => {
    expect(readdirSync(join(dir, 'reference')).sort()).toHaveLength(4);
    const r = await importJson(['reference', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const pipelines = r.items.filter((i) => i.kind === 'pipeline');
    expect(pipelines.map((i) => [i.name, i.result, i.action]).sort()).toEqual([
      ['helloagain/prod-deploy', 'changed', 'dry-run'],
      ['spindemo/A_orca_convertedPipelineTemplateSource', 'changed', 'dry-run'],
      ['tracks/PROD Deployment', 'as-is', 'dry-run'],
      ['tracks/Release to PROD Canary', 'not-importable', 'skipped'],
    ]);
    expect(byName(r.items, 'tracks/Release to PROD Canary').problems.map((p) => p.pointer)).toEqual(['/stages/5/type', '/stages/7/type']);
    expect(await applicationNames()).toEqual([]);
  });

  it('imports them: applications and pipelines are created, the report says so, and every stored pipeline validates through the API', async () => {
    const r = await gennaker(['import', 'spinnaker', 'reference']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported with changes\s+pipeline\s+helloagain\/prod-deploy\s+C_capstan_canary_prod\.json\s+created\n/);
    expect(r.stdout).toMatch(/not importable\s+pipeline\s+tracks\/Release to PROD Canary\s+\S+\s+not written\n\s+problem\s+\/stages\/5\/type: stage type "script"/);
    expect(r.stdout).toMatch(/imported as-is\s+application\s+tracks\s+\(named by B2_netflix_tracks_prod_deployment\.reconstructed\.json\)\s+created/);
    expect(r.stdout).toMatch(/7 item\(s\): 4 imported as-is, 2 imported with changes, 1 not importable; 6 written\n$/);
    expect(await applicationNames()).toEqual(['helloagain', 'spindemo', 'tracks']);
    let stored = 0;
    for (const app of ['helloagain', 'spindemo', 'tracks']) {
      for (const p of (await stack.client.get(`/api/v1/applications/${app}/pipelines`)).body as Array<Record<string, unknown>>) {
        stored++;
        const v = await stack.client.post('/api/v1/pipelines/validate', p);
        expect(v.status, `${app}/${String(p['name'])}: ${JSON.stringify(v.body)}`).toBe(200);
      }
    }
    expect(stored).toBe(3);
    // Spinnaker's ids are kept, so B's pipeline stage and C's trigger keep pointing where they did.
    expect((await stack.client.get('/api/v1/pipelines/078ea5bb-b747-4a5d-96b0-c7aa4793a2cf')).body.name).toBe('PROD Deployment');
  });

  it('--allow-partial: imports B without its script and jenkins stages, disabled; running it again updates instead of duplicating', async () => {
    const r = await importJson(['reference', '--allow-partial']);
    expect(r.code, r.stderr).toBe(0);
    const b = byName(r.items, 'tracks/Release to PROD Canary');
    expect([b.result, b.action]).toEqual(['changed', 'created']);
    expect(b.changes.map((c) => c.pointer)).toEqual(expect.arrayContaining(['/stages/5', '/stages/7', '/disabled']));
    expect(byName(r.items, 'tracks/PROD Deployment').action).toBe('updated');
    expect(byName(r.items, 'tracks').action).toBe('exists');
    const tracks = (await stack.client.get('/api/v1/applications/tracks/pipelines')).body as Array<{ name: string; disabled: boolean; stages: Array<{ type: string; refId: string; requisiteStageRefIds: string[] }> }>;
    expect(tracks.map((p) => p.name).sort()).toEqual(['PROD Deployment', 'Release to PROD Canary']);
    const stored = tracks.find((p) => p.name === 'Release to PROD Canary')!;
    expect(stored.disabled).toBe(true);
    expect(stored.stages.map((s) => s.type)).toEqual(['kayentaCanary', 'pipeline', 'manualJudgment', 'findImage', 'checkPreconditions', 'checkPreconditions']);
    expect(stored.stages.find((s) => s.refId === '8')!.requisiteStageRefIds).toEqual(['6']);
  });

  it('imports applications, Kayenta canary configs and lists of pipelines beside the pipelines; --strict writes nothing when anything is not importable', async () => {
    const strict = await importJson(['everything', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--strict: some items are not importable, so nothing was written');
    expect(byName(strict.items, 'MySampleAtlasCanaryConfig').problems).toEqual([{ pointer: '/metrics/0/query/type', message: expect.stringContaining('"atlas" is not supported') }]);
    expect((await stack.client.get('/api/v1/canary/configs')).body.items).toEqual([]);

    const r = await importJson(['everything']);
    expect(r.code, r.stderr).toBe(0);
    // tracks and helloagain exist from the first import: left as they are.
    expect(byName(r.items, 'tracks').action).toBe('exists');
    const config = byName(r.items, 'helloagain-canary');
    expect([config.result, config.action]).toEqual(['changed', 'created']);
    const stored = await stack.client.get('/api/v1/canary/configs/0fcb303b-825c-4252-a34f-2acc245027ed');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ name: 'helloagain-canary', applications: ['helloagain'] });
    // C names that config by id: no warning once it is imported beside it.
    expect(byName(r.items, 'helloagain/prod-deploy').warnings.map((w) => w.pointer)).not.toContain('/stages/5/canaryConfig/canaryConfigId');
    const bake = (await stack.client.get('/api/v1/pipelines/a1d0c6e8-1b5c-4ad1-9c0e-5c0e3c1d2b11')).body;
    expect(bake.stages.map((s: { refId: unknown }) => s.refId)).toEqual(['1', '2']);
    expect(bake.triggers[0]).toMatchObject({ type: 'git', source: 'bitbucket' });
    const legacy = byName(r.items, 'tracks/Nightly smoke');
    expect(legacy.changes.map((c) => c.pointer)).toEqual(['/stages', '/parallel', '/triggers/0/enabled', '/triggers/1/runAsUser', '/notifications/0']);
    expect(byName(r.items, 'tracks/Bake only').action).toBe('created');
    expect(r.items.find((i) => i.source === 'exports/spin-pipeline-list.json[1]')!.problems[0]!.pointer).toBe('/name');
  });

  it("turns the API's validation errors into problems named by pointer in the exported file", async () => {
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(
      join(dir, 'bad/p.json'),
      JSON.stringify({
        application: 'shop',
        name: 'bad',
        stages: [
          { refId: '1', type: 'script', name: 'Script', command: 'x' },
          { refId: '2', type: 'wait', name: 'No time', requisiteStageRefIds: ['1'] },
        ],
      }),
    );
    const r = await importJson(['bad', '--allow-partial']);
    expect(r.code).toBe(0);
    const item = byName(r.items, 'shop/bad');
    expect(item.result).toBe('not-importable');
    // The API saw the wait stage at /stages/0 (the script stage was removed); the file has it at /stages/1.
    expect(item.problems.map((p) => p.pointer)).toEqual(['/stages/1/waitTime']);
    // Its application was only needed by it: not created.
    expect(r.items.map((i) => i.name)).toEqual(['shop/bad']);
    expect(await applicationNames()).not.toContain('shop');
  });

  it('refuses a path that is not a folder, and a folder without JSON files', async () => {
    const r = await gennaker(['import', 'spinnaker', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere is not a folder');
    mkdirSync(join(dir, 'empty'), { recursive: true });
    expect((await gennaker(['import', 'spinnaker', 'empty'])).stderr).toContain('no *.json files under empty');
  });
});
