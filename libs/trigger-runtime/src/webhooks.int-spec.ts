import { createHmac } from 'node:crypto';
import { Stack, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The community's examples of every GitHub webhook (npm @octokit/webhooks-examples).
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: any[] }>;

const SECRET = 'it-is-a-secret';
let stack: Stack;
const api = () => stack.client;
const ids: Record<string, string> = {};
let seq = 0;

function sign(body: Buffer | string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function deliver(source: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}/webhooks/git/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function github(event: string, payload: unknown, opts: { delivery?: string; secret?: string; tamper?: boolean } = {}) {
  const bytes = Buffer.from(JSON.stringify(payload));
  const signature = sign(bytes, opts.secret);
  if (opts.tamper) bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! === 0x61 ? 0x62 : 0x61;
  return deliver('github', { 'x-github-event': event, 'x-github-delivery': opts.delivery ?? `d-${++seq}`, 'x-hub-signature-256': signature }, bytes);
}

async function pipeline(name: string, trigger: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await api().post('/api/v1/pipelines', {
    application: 'hooks',
    name,
    limitConcurrent: false,
    stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
    triggers: [{ type: 'git', enabled: true, secret: SECRET, ...trigger }],
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return (ids[name] = r.body.id as string);
}

async function executionsOf(name: string): Promise<any[]> {
  return (await api().get(`/api/v1/executions?pipelineId=${ids[name]}&limit=500`)).body.items;
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of Object.keys(ids)) out[n] = (await executionsOf(n)).length;
  return out;
}

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
  expect((await api().post('/api/v1/applications', { name: 'hooks' })).status).toBe(201);
  const repo = { source: 'github', project: 'Codertocat', slug: 'Hello-World' };
  await pipeline('on-master', { ...repo, branch: '^master$' });
  await pipeline('on-main', { ...repo, branch: '^main$' });
  await pipeline('on-tag', { ...repo, events: ['tag'], branch: 'simple-.*' });
  await pipeline('on-pr', { ...repo, events: ['pr:opened', 'pr:synchronize'], branch: 'changes' });
  await pipeline('on-merge', { ...repo, events: ['pr:merged'], branch: 'master' });
  await pipeline('other-repo', { source: 'github', project: 'acme', slug: 'api' });
  await pipeline('disabled-trigger', { ...repo, enabled: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('GitHub deliveries from @octokit/webhooks-examples', () => {
  const push = examples.find((e) => e.name === 'push')!.examples;
  const pulls = examples.find((e) => e.name === 'pull_request')!.examples;

  /** What each example must start, from its ref or action alone. */
  function expected(event: string, p: any): string[] {
    if (event === 'push') {
      if (p.deleted) return [];
      if (p.ref === 'refs/heads/master') return ['on-master'];
      if (p.ref.startsWith('refs/tags/simple-')) return ['on-tag'];
      return [];
    }
    if (p.action === 'opened' || p.action === 'synchronize') return p.pull_request.head.ref === 'changes' ? ['on-pr'] : [];
    if (p.action === 'closed' && p.pull_request.merged) return p.pull_request.base.ref === 'master' ? ['on-merge'] : [];
    return [];
  }

  it('accepts every signed push and pull_request example and starts what its branch says', async () => {
    expect(push.length + pulls.length).toBeGreaterThan(30);
    const want: Record<string, number> = Object.fromEntries(Object.keys(ids).map((n) => [n, 0]));
    for (const [event, list] of [['push', push], ['pull_request', pulls]] as const) {
      for (const p of list) {
        const r = await github(event, p);
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        const names = expected(event, p);
        expect(r.body.executions, `${event} ${p.ref ?? p.action}`).toHaveLength(names.length);
        for (const n of names) want[n]! += 1;
      }
    }
    expect(await counts()).toEqual(want);
    // The merge trigger never saw a merged example; make one to see pr:merged fire on the target branch.
    const merged = structuredClone(pulls.find((p) => p.action === 'closed'));
    merged.pull_request.merged = true;
    const r = await github('pull_request', merged);
    expect(r.body.executions).toHaveLength(1);
    expect((await executionsOf('on-merge')).length).toBe(1);
  });

  it('gives expressions the Spinnaker trigger fields and runs the pipeline', async () => {
    const p = push.find((x) => x.ref === 'refs/heads/master')!;
    const r = await github('push', p);
    const id = r.body.executions[0];
    const e = await waitFor(async () => {
      const x = (await api().get(`/api/v1/executions/${id}`)).body;
      return x.status === 'SUCCEEDED' ? x : null;
    }, { message: () => stack.logs() });
    expect(e.trigger).toMatchObject({ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: 'master', hash: p.after, pusher: 'Codertocat', user: 'Codertocat', deliveryId: expect.any(String) });
    expect(e.trigger.payload.ref).toBe('refs/heads/master');
    expect(e.trigger.artifacts[0]).toMatchObject({ type: 'git/repo', name: 'Codertocat/Hello-World', version: p.after });
  });

  it('refuses the same bytes with one byte changed (401) and starts nothing', async () => {
    const before = await counts();
    for (const [event, list] of [['push', push], ['pull_request', pulls]] as const) for (const p of list) {
      const r = await github(event, p, { tamper: true });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
    const wrong = await github('push', push.find((x) => x.ref === 'refs/heads/master'), { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('starts nothing new for a replayed delivery id, even when replays race', async () => {
    const p = push.find((x) => x.ref === 'refs/heads/master')!;
    const first = await github('push', p, { delivery: 'replayed-1' });
    expect(first.body.executions).toHaveLength(1);
    const before = await counts();
    const again = await Promise.all([1, 2, 3, 4].map(() => github('push', p, { delivery: 'replayed-1' })));
    for (const r of again) {
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ replayed: true, executions: first.body.executions });
    }
    expect(await counts()).toEqual(before);
    // Racing first deliveries: exactly one of them records.
    const racing = await Promise.all([1, 2, 3, 4, 5].map(() => github('push', p, { delivery: 'racing-1' })));
    expect(racing.filter((r) => !r.body.replayed)).toHaveLength(1);
    expect((await counts())['on-master']).toBe(before['on-master']! + 1);
    // A replay sent together with new deliveries (recorded by the same batches): the replay starts
    // nothing, each new one starts its run once.
    const mixed = await Promise.all([
      github('push', p, { delivery: 'replayed-1' }),
      ...[1, 2, 3, 4, 5].map((i) => github('push', p, { delivery: `mixed-${i}` })),
    ]);
    expect(mixed[0]?.body).toMatchObject({ replayed: true, executions: first.body.executions });
    for (const r of mixed.slice(1)) {
      expect(r.status).toBe(202);
      expect(r.body.replayed).toBeUndefined();
      expect(r.body.executions).toHaveLength(1);
    }
    expect((await counts())['on-master']).toBe(before['on-master']! + 6);
  });
});

describe('the delivery log', () => {
  it('says what each delivery started and why every other git-triggered pipeline did not fire', async () => {
    const p = examples.find((e) => e.name === 'push')!.examples.find((x: any) => x.ref === 'refs/heads/master');
    const r = await github('push', p, { delivery: 'explained-1' });
    const log = await api().get('/api/v1/trigger-deliveries?application=hooks&limit=100');
    expect(log.status).toBe(200);
    const d = log.body.items.find((x: any) => x.deliveryId === 'explained-1');
    expect(d).toMatchObject({ provider: 'github', accepted: true, signature: 'valid', event: 'push', repository: 'Codertocat/Hello-World', branch: 'master' });
    expect(d.started).toEqual([expect.objectContaining({ pipeline: 'on-master', executionId: r.body.executions[0] })]);
    const reasons = Object.fromEntries(d.skipped.map((s: any) => [s.pipeline, s.reason]));
    expect(reasons).toEqual({
      'on-main': 'branch `master` does not match `^main$`',
      'on-tag': 'event push is not one of tag',
      'on-pr': 'event push is not one of pr:opened, pr:synchronize',
      'on-merge': 'event push is not one of pr:merged',
      'other-repo': 'repository Codertocat/Hello-World is not acme/api',
      'disabled-trigger': 'trigger disabled',
    });
    // Refused deliveries are logged too, without taking the delivery id.
    await github('push', p, { delivery: 'bad-sig-1', secret: 'nope' });
    const all = await api().get('/api/v1/trigger-deliveries?provider=github&limit=500');
    expect(all.body.items.find((x: any) => x.deliveryId === 'bad-sig-1')).toMatchObject({ accepted: false, signature: 'invalid' });
    expect((await github('push', p, { delivery: 'bad-sig-1' })).body.executions).toHaveLength(1);
  });
});

describe('secrets, other hosts and bad input', () => {
  it('stores trigger secrets encrypted and never returns them', async () => {
    const got = await api().get(`/api/v1/pipelines/${ids['on-master']}`);
    expect(got.body.triggers[0].secret).toBe('********');
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query(`SELECT config::text AS c FROM pipeline_configs`);
      for (const r of rows.rows) expect(r.c).not.toContain(SECRET);
      const revs = await db.query(`SELECT config::text AS c FROM pipeline_config_revisions`);
      for (const r of revs.rows) expect(r.c).not.toContain(SECRET);
    } finally {
      await db.end();
    }
    // Saving the masked document back keeps the secret.
    const { id: _id, ...doc } = got.body;
    expect((await api().post('/api/v1/pipelines', { ...doc, id: ids['on-master'] })).status).toBe(200);
    const p = examples.find((e) => e.name === 'push')!.examples.find((x: any) => x.ref === 'refs/heads/master');
    expect((await github('push', p)).body.executions).toHaveLength(1);
  });

  it('GitLab: the X-Gitlab-Token must be the secret', async () => {
    await pipeline('gitlab', { source: 'gitlab', project: 'group', slug: 'web', branch: 'main' });
    const body = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main', after: 'a'.repeat(40), checkout_sha: 'a'.repeat(40), user_username: 'gl', project: { path_with_namespace: 'group/web' } });
    expect((await deliver('gitlab', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' }, body)).status).toBe(401);
    const ok = await deliver('gitlab', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': 'gl-1' }, body);
    expect(ok.status).toBe(202);
    expect(ok.body.executions).toHaveLength(1);
  });

  it('Bitbucket: X-Hub-Signature sha256', async () => {
    await pipeline('bitbucket', { source: 'bitbucket', project: 'team', slug: 'svc', branch: 'main' });
    const body = JSON.stringify({ repository: { full_name: 'team/svc' }, actor: { nickname: 'bb' }, push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: 'b'.repeat(40) } } }] } });
    expect((await deliver('bitbucket', { 'x-event-key': 'repo:push', 'x-hub-signature': sign(body, 'x') }, body)).status).toBe(401);
    const ok = await deliver('bitbucket', { 'x-event-key': 'repo:push', 'x-hub-signature': sign(body), 'x-request-uuid': 'bb-1' }, body);
    expect(ok.status).toBe(202);
    expect(ok.body.executions).toHaveLength(1);
  });

  it('answers 400 with a pointer for bad payloads, and 202 without executions for other events', async () => {
    const bad = '{"ref": 12';
    expect((await deliver('github', { 'x-github-event': 'push', 'x-hub-signature-256': sign(bad) }, bad)).status).toBe(400);
    const noRepo = JSON.stringify({ ref: 'refs/heads/master' });
    const r = await deliver('github', { 'x-github-event': 'push', 'x-hub-signature-256': sign(noRepo) }, noRepo);
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].pointer).toBe('/repository');
    const ping = JSON.stringify({ zen: 'hi' });
    const pinged = await deliver('github', { 'x-github-event': 'ping', 'x-hub-signature-256': sign(ping) }, ping);
    expect(pinged.status).toBe(202);
    expect(pinged.body.executions).toEqual([]);
    expect((await deliver('svn', {}, '{}')).status).toBe(400);
  });

  it('refuses invalid trigger fields with pointers', async () => {
    const r = await api().post('/api/v1/pipelines', { application: 'hooks', name: 'bad-triggers', stages: [], triggers: [{ type: 'git', source: 'github', project: 'a' }, { type: 'cron', cronExpression: '* * *' }] });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: any) => d.pointer)).toEqual(['/triggers/0/slug', '/triggers/1/cronExpression']);
  });
});
