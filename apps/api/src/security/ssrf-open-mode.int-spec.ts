import { Receiver, Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Acceptance (c) of issue 8 through the real runtime: the webhook stage refuses loopback and the
 * metadata address (only the host name `localhost` is allowed here, not its address), including a
 * status URL that a remote answer points at loopback; expression escapes fail inside a run. The
 * same stack runs without GENNAKER_ADMIN_TOKEN: open mode, as Spinnaker without Fiat.
 */
let stack: Stack;
let receiver: Receiver;
const SENTINEL = `sentinel-${Math.random().toString(36).slice(2)}`;
const api = () => stack.client;

async function run(stages: unknown[]): Promise<any> {
  const p = await api().post('/api/v1/pipelines', { application: 'ssrf', name: `p${Math.random().toString(36).slice(2)}`, limitConcurrent: false, stages });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const r = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, {});
  expect(r.status).toBe(202);
  let e: any;
  await waitFor(async () => {
    e = (await api().get(`/api/v1/executions/${r.body.id}`)).body;
    return ['SUCCEEDED', 'TERMINAL'].includes(e.status);
  }, { message: () => `run to end: ${e?.status}\n${stack.logs()}` });
  return e;
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  const port = new URL(receiver.url).port;
  receiver.on('/start', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusUrl: `http://127.0.0.1:${port}/status` }));
  });
  stack = await Stack.start({ workers: 1, env: { GENNAKER_WEBHOOK_ALLOWED_HOSTS: 'localhost', GK_SANDBOX_SENTINEL: SENTINEL } });
  expect((await api().post('/api/v1/applications', { name: 'ssrf' })).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

describe('webhook stage SSRF protection', () => {
  it.each([
    ['loopback by address', (port: string) => `http://127.0.0.1:${port}/hook`, /loopback/],
    ['loopback in short form', (port: string) => `http://127.1:${port}/hook`, /loopback/],
    ['IPv6 loopback', (port: string) => `http://[::1]:${port}/hook`, /loopback/],
    ['this host', (port: string) => `http://0.0.0.0:${port}/hook`, /unspecified/],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', /metadata/],
  ])('refuses %s and fails the stage without retrying', async (_what, url, reason) => {
    const before = receiver.requests.length;
    const e = await run([{ refId: '1', type: 'webhook', url: url(new URL(receiver.url).port) }]);
    expect(e.status).toBe('TERMINAL');
    const stage = e.stages[0];
    expect(stage.error.message).toMatch(reason);
    expect(stage.error.message).toContain('GENNAKER_WEBHOOK_ALLOWED_HOSTS');
    expect(stage.tasks[0].attempts ?? 0).toBeLessThanOrEqual(1);
    expect(receiver.requests.length).toBe(before);
  });

  it('calls an allowed host, but not a loopback status URL its answer points to', async () => {
    const port = new URL(receiver.url).port;
    const e = await run([{ refId: '1', type: 'webhook', url: `http://localhost:${port}/start`, waitForCompletion: true, statusUrlResolution: 'webhookResponse', statusUrlJsonPath: 'statusUrl', statusJsonPath: 'status', successStatuses: 'DONE' }]);
    expect(receiver.count('/start')).toBe(1);
    expect(receiver.count('/status')).toBe(0);
    expect(e.status).toBe('TERMINAL');
    expect(e.stages[0].error.message).toMatch(/refused to call http:\/\/127\.0\.0\.1.*loopback/);
    expect(e.stages[0].error.details[0].pointer).toBe('/statusEndpoint');
  });
});

describe('expression escapes inside a run', () => {
  it.each([
    "${T(java.lang.System).getenv('GK_SANDBOX_SENTINEL')}",
    "${'x'.constructor.constructor('return process.env.GK_SANDBOX_SENTINEL')()}",
    "${parameters['__proto__']['constructor']}",
    '${#environment.GK_SANDBOX_SENTINEL}',
  ])('%s fails the stage and reveals nothing', async (value) => {
    const e = await run([{ refId: '1', type: 'evaluateVariables', variables: [{ key: 'x', value }] }]);
    expect(e.status).toBe('TERMINAL');
    expect(JSON.stringify(e)).not.toContain(SENTINEL);
    expect(stack.logs()).not.toContain(SENTINEL);
  });
});

describe('open mode (no GENNAKER_ADMIN_TOKEN, GENNAKER_AUTH_REQUIRED unset)', () => {
  it('lets anonymous callers use unrestricted applications, not restricted ones or admin endpoints', async () => {
    expect((await api().get('/api/v1/me')).body).toEqual({ name: 'anonymous', roles: [], admin: false, kind: 'anonymous' });
    expect((await api().get('/api/v1/applications/ssrf')).status).toBe(200);
    expect((await api().post('/api/v1/applications', { name: 'locked', permissions: { READ: ['team'], WRITE: ['team'] } })).status).toBe(201);
    const locked = await api().get('/api/v1/applications/locked');
    expect(locked.status).toBe(401);
    expect(locked.body.error.message).toContain('sign in');
    expect((await api().get('/api/v1/applications')).body.items.map((a: any) => a.name)).toEqual(['ssrf']);
    expect((await api().post('/api/v1/tokens', { name: 'x', roles: [] })).status).toBe(401);
    // A token this install never issued is ignored while open, rather than failing every call.
    const r = await fetch(`${stack.apiUrl}/api/v1/me`, { headers: { authorization: 'Bearer whatever' } });
    expect(r.status).toBe(200);
  });

  it('sends the security headers and allows only the UI origin', async () => {
    const ok = await fetch(`${stack.apiUrl}/api/v1/health`, { headers: { origin: 'http://127.0.0.1:9000' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9000');
    const evil = await fetch(`${stack.apiUrl}/api/v1/health`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(ok.headers.get('x-powered-by')).toBeNull();
  });

  it('rate-limits sign-in per address and answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${stack.apiUrl}/api/v1/auth/oidc/login`, { redirect: 'manual' })).status);
    expect(statuses.slice(0, 20).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    const r = await fetch(`${stack.apiUrl}/api/v1/auth/oidc/login`, { redirect: 'manual' });
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await r.json()) as any).error.code).toBe('RATE_LIMITED');
  });

  it('refuses a token request body larger than 16 kB', async () => {
    const r = await api().post('/api/v1/tokens', { name: 'x', roles: ['r'.repeat(20_000)] });
    expect(r.status).toBe(413);
  });
});
