import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Stack } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
let dir: string;

/** Runs the real `gennaker` bin (the esbuild bundle) against the stack. */
function gennaker(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/gennaker.js'), ...args], {
      cwd: dir,
      env: { ...process.env, GENNAKER_URL: stack.apiUrl, XDG_CONFIG_HOME: join(dir, 'config'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function write(path: string, doc: unknown): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gk-cli-'));
  stack = await Stack.start({ workers: 1 });
  expect((await stack.client.post('/api/v1/applications', { name: 'cli' })).status).toBe(201);
  write('pipelines/ok.json', { stages: [{ refId: '1', type: 'wait', name: 'Warm up', waitTime: 0 }, { refId: '2', type: 'wait', name: 'Settle', waitTime: 1, requisiteStageRefIds: ['1'] }] });
  write('pipelines/fails.json', { stages: [{ refId: '1', type: 'checkPreconditions', name: 'Gate', preconditions: [{ type: 'expression', context: { expression: 'false' } }] }] });
  write('pipelines/nested/params.json', { name: 'with params', parameterConfig: [{ name: 'env', required: true }], stages: [{ refId: '1', type: 'wait', waitTime: 0 }] });
  write('pipelines/long.json', { stages: [{ refId: '1', type: 'wait', waitTime: 600 }] });
  write('bad/broken.json', { application: 'cli', name: 'broken', stages: [{ refId: '1', type: 'wait', waitTime: 0, requisiteStageRefIds: ['9'] }] });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gennaker CLI end to end', () => {
  it('validates a folder, and names the file and pointer of a bad one', async () => {
    const ok = await gennaker(['pipeline', 'validate', 'pipelines', '-a', 'cli']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('valid   nested/params.json');
    const bad = await gennaker(['pipeline', 'validate', 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/INVALID broken\.json\n\s+\/stages\/0\/requisiteStageRefIds\/0: /);
  });

  it('applies a folder of pipeline files, then lists them', async () => {
    const r = await gennaker(['pipeline', 'apply', 'pipelines', '-a', 'cli']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\.json\s+ok\s+\S+\s+1\s+created/);
    const again = await gennaker(['pipeline', 'apply', 'pipelines', '-a', 'cli', '-o', 'json']);
    expect(JSON.parse(again.stdout).map((x: any) => x.created)).toEqual([false, false, false, false]);
    const list = await gennaker(['pipeline', 'list', 'cli', '-o', 'json']);
    expect(JSON.parse(list.stdout).map((p: any) => p.name).sort()).toEqual(['fails', 'long', 'ok', 'with params']);
    const get = await gennaker(['pipeline', 'get', 'cli', 'ok']);
    expect(get.stdout).toMatch(/cli\s+ok\s+2\s+2/);
  });

  it('runs a pipeline with --watch: stage progress, exit 0 on SUCCEEDED', async () => {
    const r = await gennaker(['pipeline', 'run', 'cli', 'ok', '--watch']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCEEDED\s+Warm up \[wait\]/);
    expect(r.stdout).toMatch(/RUNNING\s+Settle \[wait\]\n(.|\n)*SUCCEEDED\s+Settle \[wait\]/);
    expect(r.stdout).toMatch(/execution \S+ SUCCEEDED\n$/);
  });

  it('exits non-zero when the pipeline fails', async () => {
    const r = await gennaker(['pipeline', 'run', 'cli', 'fails', '--watch']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/TERMINAL\s+Gate/);
    expect(r.stdout).toMatch(/execution \S+ TERMINAL\n$/);
  });

  it('passes -p parameters, and refuses a run without a required one', async () => {
    const r = await gennaker(['pipeline', 'run', 'cli', 'with params', '-p', 'env=prod', '--watch', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).trigger.parameters).toEqual({ env: 'prod' });
    const missing = await gennaker(['pipeline', 'run', 'cli', 'with params']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/parameters/env');
  });

  it('lists, gets, watches and cancels executions', async () => {
    const started = await gennaker(['pipeline', 'run', 'cli', 'long']);
    const id = started.stdout.trim();
    const watching = gennaker(['execution', 'watch', id]);
    const cancel = await gennaker(['execution', 'cancel', id, '-r', 'enough']);
    expect(cancel.code, cancel.stderr).toBe(0);
    const watched = await watching;
    expect(watched.code).toBe(3);
    expect(watched.stdout).toContain('CANCELED');
    const get = await gennaker(['execution', 'get', id, '-o', 'json']);
    expect(JSON.parse(get.stdout)).toMatchObject({ id, status: 'CANCELED', cancellationReason: 'enough' });
    const list = await gennaker(['execution', 'list', '-a', 'cli', '-o', 'json']);
    expect(JSON.parse(list.stdout).items.length).toBeGreaterThanOrEqual(4);
    const table = await gennaker(['execution', 'list', '-a', 'cli', '--status', 'CANCELED']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+APPLICATION\s+NAME\s+STATUS/);
    expect(table.stdout).toContain(id);
  });

  it('syncs a folder all or nothing', async () => {
    expect((await stack.client.post('/api/v1/applications', { name: 'synced' })).status).toBe(201);
    write('sync/a.json', { stages: [{ refId: '1', type: 'wait', waitTime: 0 }] });
    write('sync/b.json', { stages: [{ refId: '1', type: 'nope' }] });
    const bad = await gennaker(['sync', 'sync', '-a', 'synced']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('b.json at /stages/0/type');
    expect((await stack.client.get('/api/v1/applications/synced/pipelines')).body).toEqual([]);
    write('sync/b.json', { stages: [{ refId: '1', type: 'wait', waitTime: 0 }] });
    const good = await gennaker(['sync', 'sync', '-a', 'synced']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain('synced: 2 created, 0 updated, 0 deleted, 0 unchanged');
  });

  it('login stores URL and token (mode 600); later commands use them; delete removes a pipeline', async () => {
    const login = await gennaker(['login', '--url', stack.apiUrl, '--token', 't0k'], { GENNAKER_URL: 'http://127.0.0.1:1' });
    expect(login.code, login.stderr).toBe(0);
    const file = join(dir, 'config', 'gennaker', 'config.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: stack.apiUrl, token: 't0k' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const del = await gennaker(['pipeline', 'delete', 'cli', 'ok'], { GENNAKER_URL: 'http://127.0.0.1:1' });
    expect(del.code, del.stderr).toBe(0);
    expect((await gennaker(['pipeline', 'get', 'cli', 'ok'])).code).toBe(2);
  });
});
