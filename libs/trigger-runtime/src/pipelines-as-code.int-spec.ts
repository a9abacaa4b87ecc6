import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
let dir: string;
let bare: string;
let work: string;
const api = () => stack.client;
const PATH = '.gennaker/pipelines';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
}

function file(name: string, doc: unknown): void {
  mkdirSync(join(work, PATH), { recursive: true });
  writeFileSync(join(work, PATH, name), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
}

const wait = (seconds: number, extra: Record<string, unknown> = {}) => ({ stages: [{ refId: '1', type: 'wait', waitTime: seconds }], ...extra });

/** Commits, pushes, and delivers the push as GitHub would; resolves with the delivery's sync outcome. */
async function push(message: string): Promise<any> {
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  const after = git(work, 'rev-parse', 'HEAD');
  const delivery = `push-${after}`;
  const body = JSON.stringify({ ref: 'refs/heads/main', after, repository: { name: 'pipelines', owner: { login: 'local' }, clone_url: `file://${bare}` }, pusher: { name: 't' } });
  // Signed with a secret Gennaker does not know (it knows none for GitHub here): counts as unsigned,
  // and a sync trusts nothing of the payload but the repository URL and branch.
  const signature = `sha256=${createHmac('sha256', 'known-to-github-only').update(body).digest('hex')}`;
  const r = await fetch(`${stack.apiUrl}/webhooks/git/github`, { method: 'POST', headers: { 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature }, body });
  expect(r.status).toBe(202);
  return waitFor(async () => {
    const log = await api().get('/api/v1/trigger-deliveries?application=pac&limit=50');
    const d = log.body.items.find((x: any) => x.deliveryId === delivery);
    return d?.sync && d.sync.status !== 'pending' ? d.sync : null;
  }, { timeoutMs: 30_000, message: () => stack.logs() });
}

async function pipelines(): Promise<Record<string, any>> {
  const list = (await api().get('/api/v1/applications/pac/pipelines')).body as any[];
  return Object.fromEntries(list.map((p) => [p.name, p]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gk-pac-'));
  bare = join(dir, 'pipelines.git');
  work = join(dir, 'work');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  execFileSync('git', ['clone', '-q', bare, work]);
  stack = await Stack.start({ workers: 1, env: { GENNAKER_DATA_DIR: join(dir, 'data') } });
  const r = await api().post('/api/v1/applications', { name: 'pac', pipelinesRepo: { url: bare, branch: 'main', path: PATH } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('pipelines as code from a Git repository', () => {
  it('mirrors a push that adds pipelines (name from the file, application from the repository)', async () => {
    file('build.json', wait(0, { description: 'v1' }));
    file('deploy.json', { application: 'pac', name: 'Deploy to prod', ...wait(1) });
    const sync = await push('add two pipelines');
    expect(sync).toMatchObject({ status: 'applied', created: ['build', 'Deploy to prod'], errors: [] });
    const p = await pipelines();
    expect(Object.keys(p).sort()).toEqual(['Deploy to prod', 'build']);
    expect(p['build'].managedBy).toMatchObject({ url: bare, branch: 'main', path: PATH, file: `${PATH}/build.json` });
    expect(p['build'].description).toBe('v1');
  });

  it('refuses API writes to managed pipelines with 409 naming the repository', async () => {
    const p = (await pipelines())['build'];
    const put = await api().post('/api/v1/pipelines', { ...p, description: 'edited by hand' });
    expect(put.status).toBe(409);
    expect(put.body.error.message).toContain(bare);
    const del = await api().delete(`/api/v1/pipelines/${p.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain(bare);
  });

  it('mirrors changes and removals, and leaves unchanged files alone', async () => {
    const before = await pipelines();
    file('build.json', wait(0, { description: 'v2' }));
    unlinkSync(join(work, PATH, 'deploy.json'));
    file('canary.json', wait(0));
    const sync = await push('change build, drop deploy, add canary');
    expect(sync).toMatchObject({ status: 'applied', created: ['canary'], updated: ['build'], deleted: ['Deploy to prod'] });
    const p = await pipelines();
    expect(Object.keys(p).sort()).toEqual(['build', 'canary']);
    expect(p['build']).toMatchObject({ id: before['build'].id, description: 'v2', version: before['build'].version + 1 });
    file('README.md.json.bak', 'not a pipeline file');
    const again = await push('no pipeline change');
    expect(again).toMatchObject({ status: 'applied', created: [], updated: [], deleted: [], unchanged: 2 });
  });

  it('applies nothing when one file is invalid, and the log names the file and pointer', async () => {
    const before = await pipelines();
    file('build.json', wait(0, { description: 'v3' }));
    file('canary.json', { stages: [{ refId: '1', type: 'noSuchStage' }] });
    file('broken.json', '{ "stages": [');
    const sync = await push('one good change and two bad files');
    expect(sync.status).toBe('failed');
    expect(sync.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: `${PATH}/canary.json`, pointer: '/stages/0/type' }),
      expect.objectContaining({ file: `${PATH}/broken.json`, pointer: '' }),
    ]));
    const after = await pipelines();
    expect(after['build']).toMatchObject({ description: 'v2', version: before['build'].version });
    expect(Object.keys(after).sort()).toEqual(['build', 'canary']);
  });

  it('syncs files sent through the API (gennaker sync) with the same all-or-nothing rule', async () => {
    const bad = await api().post('/api/v1/applications/pac/pipelines/sync', { files: [{ file: 'build.json', content: wait(0) }, { file: 'x.json', content: { stages: 'nope' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ pointer: '/files/1/content/stages' });
    expect(bad.body.error.details[0].message).toContain('x.json');
    const good = await api().post('/api/v1/applications/pac/pipelines/sync', { files: [{ file: `${PATH}/build.json`, content: JSON.stringify(wait(0, { description: 'v4' })) }] });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body).toMatchObject({ applied: true, updated: ['build'], deleted: ['canary'] });
    // Fetching the repository again puts back what it holds.
    const queued = await api().post('/api/v1/applications/pac/pipelines-repo/sync', {});
    expect(queued.status).toBe(202);
    const d = await waitFor(async () => {
      const x = (await api().get(`/api/v1/trigger-deliveries/${queued.body.id}`)).body;
      return x.sync.status !== 'pending' ? x : null;
    }, { timeoutMs: 30_000, message: () => stack.logs() });
    expect(d.sync.status).toBe('failed');
    expect(Object.keys(await pipelines()).sort()).toEqual(['build']);
  });
});
