import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { Stack, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: any[] }>;

const ADMIN = 'rules-admin-token-0123456789';
const HOOK_SECRET = 'rules-hook-secret';
let stack: Stack;
let seq = 0;

async function call(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(stack.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const admin = (method: string, path: string, body?: unknown) => call(ADMIN, method, path, body);
async function ok(p: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}
async function token(roles: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  return ok(admin('POST', '/api/v1/tokens', { name: `user${++seq}`, roles, ...extra }), 201);
}
async function pipeline(body: Record<string, unknown>): Promise<string> {
  return (await ok(admin('POST', '/api/v1/pipelines', { application: 'rules', name: `p${++seq}`, limitConcurrent: false, ...body }), 201)).id;
}
async function finished(id: string): Promise<any> {
  let e: any;
  await waitFor(async () => {
    e = (await admin('GET', `/api/v1/executions/${id}`)).body;
    return ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(e.status);
  }, { message: () => `execution ${id} to finish (${e?.status})\n${stack.logs()}` });
  return e;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-rules-'));
  const accounts = join(dir, 'accounts.json');
  writeFileSync(accounts, JSON.stringify({ accounts: [{ name: 'prod', provider: 'local', regions: ['local'], permissions: { READ: ['dev'], WRITE: ['deployer'] } }] }));
  stack = await Stack.start({ workers: 1, env: { GENNAKER_ADMIN_TOKEN: ADMIN, GENNAKER_ACCOUNTS_FILE: accounts, GENNAKER_DATA_DIR: join(dir, 'data'), GENNAKER_AUTH_FAILURE_LIMIT: '15' } });
  await ok(admin('POST', '/api/v1/applications', { name: 'rules', permissions: { READ: ['dev'], EXECUTE: ['dev'], WRITE: ['dev'] } }), 201);
});
afterAll(async () => {
  await stack?.stop();
});

describe('tokens (acceptance d)', () => {
  it('refuses a revoked token on its very next request, and says so', async () => {
    const t = await token(['dev']);
    expect((await call(t.token, 'GET', '/api/v1/me')).body).toMatchObject({ name: expect.stringMatching(/^user/), roles: ['dev'], admin: false });
    await ok(admin('DELETE', `/api/v1/tokens/${t.id}`), 204);
    const r = await call(t.token, 'GET', '/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain('revoked');
    const listed = (await admin('GET', '/api/v1/tokens?limit=500')).body.items.find((x: any) => x.id === t.id);
    expect(listed.revokedAt).not.toBeNull();
    expect(JSON.stringify((await admin('GET', '/api/v1/tokens?limit=500')).body)).not.toContain(t.token);
  });

  it('refuses an expired token, an unknown one, and a missing one', async () => {
    const t = await token(['dev'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call(t.token, 'GET', '/api/v1/me')).status).toBe(200);
    await waitFor(async () => (await call(t.token, 'GET', '/api/v1/me')).status === 401, { timeoutMs: 10_000 });
    expect((await call('gk_nothing-this-install-issued-0000000000', 'GET', '/api/v1/me')).status).toBe(401);
    expect((await call(null, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('stores only a hash: the token is nowhere in the database', async () => {
    const t = await token([]);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query(`SELECT * FROM api_tokens`);
      expect(JSON.stringify(rows.rows)).not.toContain(t.token);
      expect(JSON.stringify(rows.rows)).not.toContain(t.token.slice(3));
    } finally {
      await db.end();
    }
  });

  it('validates a token request with pointers', async () => {
    const r = await admin('POST', '/api/v1/tokens', { name: '', roles: ['ok', 'bad role'], expiresAt: '2001-01-01T00:00:00Z', extra: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: any) => d.pointer).sort()).toEqual(['/expiresAt', '/extra', '/name', '/roles/1']);
  });
});

describe('executions: accounts at trigger time and when a stage acts', () => {
  const disable = (credentials: string) => ({ refId: '1', type: 'disableCluster', name: 'Disable old', cluster: 'rules-main', credentials, regions: ['local'], remainingEnabledServerGroups: 1 });

  it('refuses to start a run that deploys to an account the caller may not write (403 naming it)', async () => {
    const id = await pipeline({ stages: [disable('prod')] });
    const dev = await token(['dev']);
    const r = await call(dev.token, 'POST', `/api/v1/pipelines/${id}/executions`, {});
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('account "prod"');
    const deployer = await token(['dev', 'deployer']);
    expect((await call(deployer.token, 'POST', `/api/v1/pipelines/${id}/executions`, {})).status).toBe(202);
  });

  it('checks again when the stage acts: an account known only at run time fails the stage', async () => {
    const id = await pipeline({ parameterConfig: [{ name: 'account', default: 'local' }], stages: [disable('${parameters.account}')] });
    const dev = await token(['dev']);
    const started = await ok(call(dev.token, 'POST', `/api/v1/pipelines/${id}/executions`, { parameters: { account: 'prod' } }), 202);
    const e = await finished(started.id);
    expect(e.status).toBe('TERMINAL');
    const stage = e.stages.find((s: any) => s.refId === '1');
    expect(stage.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(stage.error.message).toContain('account "prod"');
    expect(e.trigger.authentication).toMatchObject({ user: expect.stringMatching(/^user/), roles: ['dev'] });
  });

  it('enforces requiredJudgmentRoles (403 naming the roles); a holder judges', async () => {
    const id = await pipeline({ stages: [{ refId: '1', type: 'manualJudgment', requiredJudgmentRoles: ['release-manager'] }] });
    const started = await ok(admin('POST', `/api/v1/pipelines/${id}/executions`, {}), 202);
    let stageId = '';
    await waitFor(async () => {
      const e = (await admin('GET', `/api/v1/executions/${started.id}`)).body;
      stageId = e.stages[0]?.id;
      return e.stages[0]?.status === 'RUNNING';
    });
    const dev = await token(['dev']);
    const refused = await call(dev.token, 'PATCH', `/api/v1/executions/${started.id}/stages/${stageId}`, { judgmentStatus: 'continue' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('release-manager');
    const rm = await token(['dev', 'release-manager']);
    expect((await call(rm.token, 'PATCH', `/api/v1/executions/${started.id}/stages/${stageId}`, { judgmentStatus: 'continue' })).status).toBe(202);
    expect((await finished(started.id)).status).toBe('SUCCEEDED');
  });
});

describe('service accounts (runAsUser)', () => {
  const repo = { source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: '^master$', secret: HOOK_SECRET };
  const push = examples.find((e) => e.name === 'push')!.examples.find((x: any) => x.ref === 'refs/heads/master');
  async function deliver(): Promise<any> {
    const bytes = Buffer.from(JSON.stringify(push));
    const res = await fetch(`${stack.apiUrl}/webhooks/git/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': `d-${++seq}`, 'x-hub-signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(bytes).digest('hex')}` },
      body: bytes,
    });
    expect(res.status).toBe(202);
    return res.json();
  }

  it('runs triggered pipelines as the service account, checked against its roles', async () => {
    await ok(admin('POST', '/api/v1/tokens', { name: 'ci-bot', roles: ['dev'], serviceAccount: true }), 201);
    await ok(admin('POST', '/api/v1/tokens', { name: 'nobody-bot', roles: ['intern'], serviceAccount: true }), 201);
    const asBot = await pipeline({ name: 'as-bot', stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'git', enabled: true, runAsUser: 'ci-bot', ...repo }] });
    const asNobody = await pipeline({ name: 'as-nobody', stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'git', enabled: true, runAsUser: 'nobody-bot', ...repo }] });
    const anonymous = await pipeline({ name: 'as-anonymous', stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'git', enabled: true, ...repo }] });
    const answer = await deliver();
    expect(answer.executions).toHaveLength(1);
    const e = await finished(answer.executions[0]);
    expect(e.pipelineId).toBe(asBot);
    expect(e.trigger).toMatchObject({ runAsUser: 'ci-bot', authentication: { user: 'ci-bot', roles: ['dev'], kind: 'service' } });
    const delivery = (await admin('GET', `/api/v1/trigger-deliveries?limit=5`)).body.items[0];
    const reasons = Object.fromEntries(delivery.skipped.map((s: any) => [s.pipelineId, s.reason]));
    expect(reasons[asNobody]).toContain('nobody-bot may not run pipelines of application "rules"');
    expect(reasons[anonymous]).toMatch(/anonymous may not run pipelines/);
  });

  it('lets a pipeline name a service account only when the saver holds all its roles', async () => {
    await ok(admin('POST', '/api/v1/tokens', { name: 'deploy-bot', roles: ['dev', 'deployer'], serviceAccount: true }), 201);
    const dev = await token(['dev']);
    const body = (runAsUser: string) => ({ application: 'rules', name: `ra${++seq}`, stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'cron', cronExpression: '0 0 1 1 *', runAsUser }] });
    expect((await call(dev.token, 'POST', '/api/v1/pipelines', body('deploy-bot'))).status).toBe(403);
    expect((await call(dev.token, 'POST', '/api/v1/pipelines', body('ci-bot'))).status).toBe(201);
    const missing = await call(dev.token, 'POST', '/api/v1/pipelines', body('ghost'));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].pointer).toBe('/triggers/0/runAsUser');
    expect((await admin('POST', '/api/v1/tokens', { name: 'ci-bot', roles: [], serviceAccount: true })).status).toBe(409);
    // Pipelines as code through the API: the same rule for each file.
    const sync = (runAsUser: string) => ({ files: [{ file: 'a.json', content: JSON.stringify({ name: `sync${++seq}`, stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'cron', cronExpression: '0 0 1 1 *', runAsUser }] }) }] });
    expect((await call(dev.token, 'POST', '/api/v1/applications/rules/pipelines/sync', sync('deploy-bot'))).status).toBe(403);
    expect((await call(dev.token, 'POST', '/api/v1/applications/rules/pipelines/sync', sync('ci-bot'))).status).toBe(200);
    const ghost = await call(dev.token, 'POST', '/api/v1/applications/rules/pipelines/sync', sync('ghost'));
    expect(ghost.body.error.details[0].pointer).toBe('/files/0/content/triggers/0/runAsUser');
  });
});

describe('audit log', () => {
  it('records who changed permissions, pipelines, tokens and runs, and cannot be rewritten', async () => {
    const dev = await token(['dev']);
    await ok(call(dev.token, 'PUT', '/api/v1/applications/rules', { permissions: { READ: ['dev', 'auditor'], EXECUTE: ['dev'], WRITE: ['dev'] } }), 200);
    const id = await pipeline({ stages: [{ refId: '1', type: 'wait', waitTime: 30 }] });
    const run = await ok(call(dev.token, 'POST', `/api/v1/pipelines/${id}/executions`, {}), 202);
    await ok(call(dev.token, 'PUT', `/api/v1/executions/${run.id}/cancel`, { reason: 'audit' }), 202);
    await ok(call(dev.token, 'DELETE', `/api/v1/pipelines/${id}`), 204);
    const events = (await admin('GET', '/api/v1/audit?application=rules&limit=500')).body.items as any[];
    const of = (action: string) => events.filter((e) => e.action === action);
    expect(of('application.permissions')[0]).toMatchObject({ actor: expect.stringMatching(/^user/), details: { after: { READ: ['dev', 'auditor'] } } });
    expect(of('pipeline.create').some((e) => e.resourceId === id && e.actor === 'admin')).toBe(true);
    expect(of('execution.start').some((e) => e.resourceId === run.id && e.actor.startsWith('user'))).toBe(true);
    expect(of('execution.cancel').some((e) => e.resourceId === run.id && e.details.reason === 'audit')).toBe(true);
    expect(of('pipeline.delete').some((e) => e.resourceId === id)).toBe(true);
    expect((await admin('GET', '/api/v1/audit?action=token.create&limit=1')).body.items[0]).toMatchObject({ actor: 'admin', resourceType: 'token' });
    const byActor = (await admin('GET', `/api/v1/audit?actor=admin&limit=2`)).body;
    expect(byActor.items).toHaveLength(2);
    expect(byActor.nextCursor).not.toBeNull();
    const next = (await admin('GET', `/api/v1/audit?actor=admin&limit=2&cursor=${byActor.nextCursor}`)).body;
    expect(Number(next.items[0].id)).toBeLessThan(Number(byActor.items[1].id));

    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await expect(db.query(`UPDATE audit_events SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    } finally {
      await db.end();
    }
  });
});

// Last: it blocks this address for a minute.
describe('guessing tokens', () => {
  it('after too many bad tokens from an address, answers 429 to bad ones and to the admin token, not to issued tokens', async () => {
    const good = await token(['dev']);
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await call(`gk_guess-${i}-000000000000000000000000`, 'GET', '/api/v1/me')).status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(12);
    expect(statuses.at(-1)).toBe(429);
    const guess = await call('rules-admin-token-guess', 'GET', '/api/v1/me');
    expect(guess.status).toBe(429);
    expect(guess.body.error.code).toBe('RATE_LIMITED');
    // The (possibly weaker) admin token cannot be guessed meanwhile: it is refused too.
    expect((await admin('GET', '/api/v1/me')).status).toBe(429);
    // Users behind the same address keep working with their issued tokens.
    expect((await call(good.token, 'GET', '/api/v1/me')).status).toBe(200);
  });
});
