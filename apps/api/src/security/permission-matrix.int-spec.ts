import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Acceptance (a) of issue 8: every endpoint of API.md against the roles none, reader, executor,
 * writer and admin (and no token at all), each with its expected status. One table; a failure shows
 * every cell that differs.
 */
const ADMIN = 'matrix-admin-token-0123456789';
const ROLES = ['anonymous', 'none', 'reader', 'executor', 'writer', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Expect = Record<Role, number>;

let stack: Stack;
const tokens: Partial<Record<Role, string>> = {};
let seq = 0;
const fx: Record<string, string> = {};

async function call(role: Role, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(path.startsWith('/webhooks/git/github') ? { 'x-github-event': 'ping', 'x-github-delivery': `ping-${++seq}` } : {}) };
  const t = role === 'admin' ? ADMIN : tokens[role];
  if (t) headers['authorization'] = `Bearer ${t}`;
  const ctl = new AbortController();
  const res = await fetch(stack.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal });
  // Event streams never end: the status is the answer.
  if ((res.headers.get('content-type') ?? '').includes('event-stream')) {
    ctl.abort();
    return { status: res.status, body: null };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (the docs page)
  }
  return { status: res.status, body: parsed };
}
const admin = (method: string, path: string, body?: unknown) => call('admin', method, path, body);

async function ok<T = any>(p: Promise<{ status: number; body: any }>, status: number): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body as T;
}

async function execution(id: string): Promise<any> {
  return (await admin('GET', `/api/v1/executions/${id}`)).body;
}

/** Starts `pipeline` as admin and waits until its first stage is RUNNING (or the run ended, with `done`). */
async function started(pipeline: string, opts: { done?: boolean; paused?: boolean } = {}): Promise<{ id: string; stageId: string }> {
  const { id } = await ok(admin('POST', `/api/v1/pipelines/${fx[pipeline]}/executions`, {}), 202);
  let e: any;
  await waitFor(async () => {
    e = await execution(id);
    return opts.done ? e.status === 'SUCCEEDED' : e.stages[0]?.status === 'RUNNING' && e.stages[0].tasks.some((t: any) => t.status === 'RUNNING');
  }, { message: () => `execution ${id} to be ready: ${JSON.stringify(e?.status)}\n${stack.logs()}` });
  if (opts.paused) {
    await ok(admin('PUT', `/api/v1/executions/${id}/pause`), 202);
    await waitFor(async () => (await execution(id)).status === 'PAUSED');
  }
  return { id, stageId: e.stages[0].id };
}

const all = (status: number, anonymous = 401): Expect => ({ anonymous, none: status, reader: status, executor: status, writer: status, admin: status });
const onlyAdmin = (status: number): Expect => ({ anonymous: 401, none: 403, reader: 403, executor: 403, writer: 403, admin: status });
const readers = (status: number): Expect => ({ anonymous: 401, none: 403, reader: status, executor: status, writer: status, admin: status });
const executors = (status: number): Expect => ({ anonymous: 401, none: 403, reader: 403, executor: status, writer: 403, admin: status });
const writers = (status: number): Expect => ({ anonymous: 401, none: 403, reader: 403, executor: 403, writer: status, admin: status });

interface Row {
  name: string;
  expect: Expect;
  /** Makes what one call needs (as admin) and says what to call; called once per role. */
  request: (role: Role) => Promise<{ method: string; path: string; body?: unknown }>;
}

const fixed = (method: string, path: () => string, body?: () => unknown) => async () => ({ method, path: path(), body: body?.() });

const ROWS: Row[] = [
  { name: 'GET /api/v1/health', expect: all(200, 200), request: fixed('GET', () => '/api/v1/health') },
  { name: 'GET /api/v1/openapi.json', expect: all(200, 200), request: fixed('GET', () => '/api/v1/openapi.json') },
  { name: 'GET /api/v1/schemas/pipeline.json', expect: all(200, 200), request: fixed('GET', () => '/api/v1/schemas/pipeline.json') },
  { name: 'GET /api/v1/auth', expect: all(200, 200), request: fixed('GET', () => '/api/v1/auth') },
  { name: 'GET /api/docs', expect: all(200, 200), request: fixed('GET', () => '/api/docs') },
  // Webhooks authenticate by their signature, not by a token (a ping is accepted and starts nothing).
  { name: 'POST /webhooks/git/github', expect: all(202, 202), request: fixed('POST', () => '/webhooks/git/github', () => ({ zen: 'Keep it logically awesome.', hook_id: 1 })) },
  { name: 'GET /api/v1/me', expect: all(200), request: fixed('GET', () => '/api/v1/me') },
  { name: 'POST /api/v1/tokens', expect: onlyAdmin(201), request: async () => ({ method: 'POST', path: '/api/v1/tokens', body: { name: `t${++seq}`, roles: ['reader'] } }) },
  { name: 'GET /api/v1/tokens', expect: onlyAdmin(200), request: fixed('GET', () => '/api/v1/tokens') },
  {
    name: 'DELETE /api/v1/tokens/{id}',
    expect: onlyAdmin(204),
    request: async () => ({ method: 'DELETE', path: `/api/v1/tokens/${(await ok(admin('POST', '/api/v1/tokens', { name: `d${++seq}`, roles: [] }), 201)).id}` }),
  },
  { name: 'GET /api/v1/applications', expect: all(200), request: fixed('GET', () => '/api/v1/applications') },
  { name: 'POST /api/v1/applications', expect: all(201), request: async () => ({ method: 'POST', path: '/api/v1/applications', body: { name: `made${++seq}` } }) },
  { name: 'GET /api/v1/applications/{app}', expect: readers(200), request: fixed('GET', () => '/api/v1/applications/secured') },
  {
    name: 'PUT /api/v1/applications/{app}',
    expect: writers(200),
    request: async () => {
      const name = `put${++seq}`;
      await ok(admin('POST', '/api/v1/applications', { name, permissions: PERMISSIONS }), 201);
      return { method: 'PUT', path: `/api/v1/applications/${name}`, body: { description: 'changed', permissions: PERMISSIONS } };
    },
  },
  {
    name: 'DELETE /api/v1/applications/{app}',
    expect: writers(204),
    request: async () => {
      const name = `del${++seq}`;
      await ok(admin('POST', '/api/v1/applications', { name, permissions: PERMISSIONS }), 201);
      return { method: 'DELETE', path: `/api/v1/applications/${name}` };
    },
  },
  { name: 'GET /api/v1/accounts', expect: all(200), request: fixed('GET', () => '/api/v1/accounts') },
  {
    name: 'POST /api/v1/pipelines',
    expect: writers(201),
    request: async () => ({ method: 'POST', path: '/api/v1/pipelines', body: { application: 'secured', name: `p${++seq}`, stages: [{ refId: '1', type: 'wait', waitTime: 0 }] } }),
  },
  { name: 'POST /api/v1/pipelines/validate', expect: all(200), request: fixed('POST', () => '/api/v1/pipelines/validate', () => ({ stages: [{ refId: '1', type: 'wait', waitTime: 1 }] })) },
  { name: 'GET /api/v1/applications/{app}/pipelines', expect: readers(200), request: fixed('GET', () => '/api/v1/applications/secured/pipelines') },
  { name: 'GET /api/v1/pipelines/{id}', expect: readers(200), request: fixed('GET', () => `/api/v1/pipelines/${fx['quick']}`) },
  { name: 'GET /api/v1/pipelines/{id}/history', expect: readers(200), request: fixed('GET', () => `/api/v1/pipelines/${fx['quick']}/history`) },
  {
    name: 'POST /api/v1/pipelines/{id}/history/{version}/restore',
    // Nest's default for a POST: the restore answers 201 (a new revision).
    expect: writers(201),
    request: async () => ({ method: 'POST', path: `/api/v1/pipelines/${fx['quick']}/history/1/restore` }),
  },
  {
    name: 'DELETE /api/v1/pipelines/{id}',
    expect: writers(204),
    request: async () => {
      const p = await ok(admin('POST', '/api/v1/pipelines', { application: 'secured', name: `gone${++seq}`, stages: [{ refId: '1', type: 'wait', waitTime: 0 }] }), 201);
      return { method: 'DELETE', path: `/api/v1/pipelines/${p.id}` };
    },
  },
  {
    name: 'POST /api/v1/applications/{app}/pipelines/sync',
    expect: writers(200),
    request: async () => ({ method: 'POST', path: '/api/v1/applications/secured/pipelines/sync', body: { files: [{ file: `s${++seq}.json`, content: { stages: [{ refId: '1', type: 'wait', waitTime: 0 }] } }] } }),
  },
  { name: 'GET /api/v1/stage-types', expect: all(200), request: fixed('GET', () => '/api/v1/stage-types') },
  { name: 'POST /api/v1/pipelines/{id}/executions', expect: executors(202), request: fixed('POST', () => `/api/v1/pipelines/${fx['quick']}/executions`, () => ({})) },
  { name: 'GET /api/v1/executions', expect: all(200), request: fixed('GET', () => '/api/v1/executions') },
  { name: 'GET /api/v1/executions?application={app}', expect: readers(200), request: fixed('GET', () => '/api/v1/executions?application=secured') },
  { name: 'GET /api/v1/executions/{id}', expect: readers(200), request: fixed('GET', () => `/api/v1/executions/${fx['execution']}`) },
  { name: 'GET /api/v1/executions/{id}/events', expect: readers(200), request: fixed('GET', () => `/api/v1/executions/${fx['execution']}/events`) },
  { name: 'PUT /api/v1/executions/{id}/cancel', expect: executors(202), request: async () => ({ method: 'PUT', path: `/api/v1/executions/${(await started('long')).id}/cancel`, body: { reason: 'matrix' } }) },
  { name: 'PUT /api/v1/executions/{id}/pause', expect: executors(202), request: async () => ({ method: 'PUT', path: `/api/v1/executions/${(await started('long')).id}/pause` }) },
  { name: 'PUT /api/v1/executions/{id}/resume', expect: executors(202), request: async () => ({ method: 'PUT', path: `/api/v1/executions/${(await started('long', { paused: true })).id}/resume` }) },
  {
    name: 'PUT /api/v1/executions/{id}/stages/{stageId}/restart',
    expect: executors(202),
    request: async () => {
      const e = await started('quick', { done: true });
      return { method: 'PUT', path: `/api/v1/executions/${e.id}/stages/${e.stageId}/restart` };
    },
  },
  {
    name: 'PUT /api/v1/executions/{id}/stages/{stageId}/skip',
    expect: executors(202),
    request: async () => {
      const e = await started('long');
      return { method: 'PUT', path: `/api/v1/executions/${e.id}/stages/${e.stageId}/skip` };
    },
  },
  {
    name: 'PATCH /api/v1/executions/{id}/stages/{stageId}',
    expect: executors(202),
    request: async () => {
      const e = await started('judge');
      return { method: 'PATCH', path: `/api/v1/executions/${e.id}/stages/${e.stageId}`, body: { judgmentStatus: 'continue' } };
    },
  },
  { name: 'GET /api/v1/applications/{app}/clusters', expect: readers(200), request: fixed('GET', () => '/api/v1/applications/secured/clusters') },
  { name: 'POST /api/v1/applications/{app}/tasks', expect: executors(202), request: fixed('POST', () => '/api/v1/applications/secured/tasks', () => ({ description: 'noop', job: [{ type: 'wait', waitTime: 0 }] })) },
  { name: 'GET /api/v1/trigger-deliveries', expect: all(200), request: fixed('GET', () => '/api/v1/trigger-deliveries') },
  { name: 'GET /api/v1/audit', expect: all(200), request: fixed('GET', () => '/api/v1/audit') },
  { name: 'GET /api/v1/audit?application={app}', expect: readers(200), request: fixed('GET', () => '/api/v1/audit?application=secured') },
];

const PERMISSIONS = { READ: ['reader'], EXECUTE: ['executor'], WRITE: ['writer'] };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-matrix-'));
  const accounts = join(dir, 'accounts.json');
  writeFileSync(accounts, JSON.stringify({ accounts: [{ name: 'prod', provider: 'local', regions: ['local'], permissions: { READ: ['reader', 'writer', 'executor'], WRITE: ['deployer'] } }] }));
  stack = await Stack.start({ workers: 1, env: { GENNAKER_ADMIN_TOKEN: ADMIN, GENNAKER_ACCOUNTS_FILE: accounts, GENNAKER_DATA_DIR: join(dir, 'data') } });
  for (const role of ['none', 'reader', 'executor', 'writer'] as const) {
    tokens[role] = (await ok(admin('POST', '/api/v1/tokens', { name: `${role}-user`, roles: role === 'none' ? [] : [role] }), 201)).token;
  }
  await ok(admin('POST', '/api/v1/applications', { name: 'secured', permissions: PERMISSIONS }), 201);
  const save = async (name: string, stages: unknown[]) => (fx[name] = (await ok(admin('POST', '/api/v1/pipelines', { application: 'secured', name, limitConcurrent: false, stages }), 201)).id);
  await save('quick', [{ refId: '1', type: 'wait', waitTime: 0 }]);
  await save('long', [{ refId: '1', type: 'wait', waitTime: 600 }]);
  await save('judge', [{ refId: '1', type: 'manualJudgment' }]);
  fx['execution'] = (await started('quick', { done: true })).id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('permission matrix (API.md x roles)', () => {
  it('answers each endpoint for each role as expected', async () => {
    const got: Record<string, Expect> = {};
    const want: Record<string, Expect> = {};
    for (const row of ROWS) {
      want[row.name] = row.expect;
      got[row.name] = {} as Expect;
      for (const role of ROLES) {
        const r = await row.request(role);
        got[row.name]![role] = (await call(role, r.method, r.path, r.body)).status;
      }
    }
    expect(got).toEqual(want);
  });

  it('lists only what a role may read', async () => {
    const names = async (role: Role) => (await call(role, 'GET', '/api/v1/applications')).body.items.map((a: any) => a.name);
    expect(await names('none')).not.toContain('secured');
    expect(await names('reader')).toContain('secured');
    const execs = async (role: Role) => (await call(role, 'GET', '/api/v1/executions?limit=500')).body.items.filter((e: any) => e.application === 'secured').length;
    expect(await execs('none')).toBe(0);
    expect(await execs('reader')).toBeGreaterThan(0);
    const accounts = async (role: Role) => (await call(role, 'GET', '/api/v1/accounts')).body.map((a: any) => a.name);
    expect(await accounts('none')).not.toContain('prod');
    expect(await accounts('reader')).toContain('prod');
    const audit = async (role: Role) => (await call(role, 'GET', '/api/v1/audit?limit=500')).body.items;
    expect((await audit('none')).some((e: any) => e.application === 'secured')).toBe(false);
    expect((await audit('reader')).some((e: any) => e.application === 'secured')).toBe(true);
  });

  it('says who is refused what, naming the permission', async () => {
    const r = await call('reader', 'PUT', '/api/v1/applications/secured', { permissions: PERMISSIONS });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(r.body.error.message).toContain('needs WRITE');
    const anon = await call('anonymous', 'GET', '/api/v1/applications');
    expect(anon.body.error.code).toBe('UNAUTHORIZED');
  });
});
