import { createServer, type Server } from 'node:http';
import { freePort, Stack } from '@gennaker/testkit';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * OIDC sign-in against a real OpenID provider running in the test (oidc-provider): authorization
 * code with PKCE, roles from the groups claim, a revocable session token handed to the UI.
 */
const ADMIN = 'oidc-admin-token-0123456789';
const CLIENT = { client_id: 'gennaker', client_secret: 'oidc-client-secret-0123456789' };
const USERS: Record<string, { groups: string[] }> = { alice: { groups: ['dev'] }, bob: { groups: ['admin', 'ops'] } };

let stack: Stack;
let idp: Server;
let issuer = '';

/** A tiny cookie jar per origin (enough for one browser sign-in). */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  async get(url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      const m = this.jar.get(u.origin) ?? new Map<string, string>();
      m.set(k!.trim(), v.join('='));
      this.jar.set(u.origin, m);
    }
    return res;
  }
  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }
  setCookie(origin: string, name: string, value: string): void {
    this.jar.get(origin)?.set(name, value);
  }
}

/** Follows redirects, signing in as `user` and consenting on the provider's pages, until back at the API's callback. */
async function signIn(user: string, browser = new Browser()): Promise<{ browser: Browser; callback: string }> {
  let res = await browser.get(`${stack.apiUrl}/api/v1/auth/oidc/login`);
  expect(res.status).toBe(302);
  for (let i = 0; i < 12; i++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, res.url || issuer).toString();
      if (next.startsWith(`${stack.apiUrl}/api/v1/auth/oidc/callback`)) return { browser, callback: next };
      res = await browser.get(next);
      continue;
    }
    const html = await res.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    expect(action, html.slice(0, 500)).toBeDefined();
    const body = html.includes('name="login"') ? `prompt=login&login=${user}&password=x` : 'prompt=consent';
    res = await browser.get(new URL(action!, issuer).toString(), { method: 'POST', body });
  }
  throw new Error('sign-in did not come back to the API');
}

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  stack = await Stack.start({
    workers: 0,
    env: {
      GENNAKER_ADMIN_TOKEN: ADMIN,
      GENNAKER_OIDC_ISSUER: issuer,
      GENNAKER_OIDC_CLIENT_ID: CLIENT.client_id,
      GENNAKER_OIDC_CLIENT_SECRET: CLIENT.client_secret,
      GENNAKER_OIDC_SCOPES: 'openid profile groups',
      GENNAKER_OIDC_ALLOW_HTTP: 'true',
      GENNAKER_WEB_ORIGIN: 'http://127.0.0.1:9999',
    },
  });
  const provider = new Provider(issuer, {
    clients: [{ ...CLIENT, redirect_uris: [`${stack.apiUrl}/api/v1/auth/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups'],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, preferred_username: sub, groups: USERS[sub]?.groups ?? [] }) }),
    cookies: { keys: ['test-cookie-key'] },
    pkce: { required: () => true },
  } as never);
  idp = createServer(provider.callback());
  await new Promise<void>((r) => idp.listen(port, '127.0.0.1', r));
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => idp?.close(r));
});

describe('OIDC sign-in', () => {
  it('tells the UI that OIDC sign-in is offered', async () => {
    expect((await fetch(`${stack.apiUrl}/api/v1/auth`)).status).toBe(200);
    expect(await (await fetch(`${stack.apiUrl}/api/v1/auth`)).json()).toEqual({ authRequired: true, oidc: true, loginUrl: '/api/v1/auth/oidc/login' });
  });

  it('signs a user in with PKCE and gives a session token whose roles are the groups claim', async () => {
    const { browser, callback } = await signIn('alice');
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const back = await browser.get(callback);
    expect(back.status).toBe(302);
    const location = back.headers.get('location')!;
    expect(location.startsWith('http://127.0.0.1:9999/sign-in#token=gk_')).toBe(true);
    const token = decodeURIComponent(location.split('#token=')[1]!);
    const me = await (await fetch(`${stack.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(me).toEqual({ name: 'alice', roles: ['dev'], admin: false, kind: 'session' });
    // The session is a token like any other: listed (with sessions=true) and revocable.
    const sessions = (await stack.client.get('/api/v1/tokens?sessions=true')).body.items.filter((t: any) => t.kind === 'session' && t.name === 'alice');
    expect(sessions).toHaveLength(1);
    expect(sessions[0].expiresAt).not.toBeNull();
    expect((await stack.client.delete(`/api/v1/tokens/${sessions[0].id}`)).status).toBe(204);
    expect((await fetch(`${stack.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('makes a member of an admin group an admin', async () => {
    const { browser, callback } = await signIn('bob');
    const token = decodeURIComponent((await browser.get(callback)).headers.get('location')!.split('#token=')[1]!);
    expect(await (await fetch(`${stack.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ name: 'bob', roles: ['admin', 'ops'], admin: true });
  });

  it('refuses a callback whose state cookie is missing, forged or from another sign-in', async () => {
    const first = await signIn('alice');
    const other = await signIn('alice');
    expect((await fetch(first.callback, { redirect: 'manual' })).status).toBe(401);
    const genuine = first.browser.cookie(stack.apiUrl, 'gk_oidc')!;
    const [payload, mac] = genuine.split('.') as [string, string];
    const tampered = Buffer.from(payload, 'base64url').toString('utf8').replace('"expires":', '"expires":1');
    first.browser.setCookie(stack.apiUrl, 'gk_oidc', `${Buffer.from(tampered).toString('base64url')}.${mac}`);
    expect((await first.browser.get(first.callback)).status).toBe(401);
    // Another spelling of the same MAC: the last character of 32 bytes in base64url carries two spare
    // bits, so a byte comparison would take it. Only the exact text the server wrote is accepted.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = mac.slice(0, -1) + alphabet[alphabet.indexOf(mac.slice(-1)) ^ 1];
    expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(mac, 'base64url'))).toBe(true);
    first.browser.setCookie(stack.apiUrl, 'gk_oidc', `${payload}.${respelled}`);
    expect((await first.browser.get(first.callback)).status).toBe(401);
    // The state of one sign-in does not finish another.
    first.browser.setCookie(stack.apiUrl, 'gk_oidc', other.browser.cookie(stack.apiUrl, 'gk_oidc')!);
    expect((await first.browser.get(first.callback)).status).toBe(401);
    expect((await other.browser.get(other.callback)).status).toBe(302);
  });
});
