import { describe, expect, it } from 'vitest';
import { createUrlGuard, type Resolver } from './url-guard.util';

const dns: Record<string, string[]> = {
  'metadata.evil.test': ['169.254.169.254'],
  'rebind.evil.test': ['93.184.216.34', '127.0.0.1'],
  'v6loop.evil.test': ['::1'],
  'mapped.evil.test': ['::ffff:127.0.0.1'],
  'example.com': ['93.184.216.34'],
  'jenkins.corp': ['10.0.0.5'],
};
const resolve: Resolver = async (host) => {
  const a = dns[host];
  if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return a;
};
const guard = (allow: string[] = [], refusePrivate = false) => createUrlGuard({ allow, refusePrivate }, resolve);
const refused = async (g: ReturnType<typeof guard>, url: string): Promise<string | null> => {
  try {
    await g(new URL(url), '/url');
  } catch (err) {
    return (err as Error).message;
  }
  return null;
};

describe('webhook SSRF guard', () => {
  it.each([
    'http://127.0.0.1:8080/x',
    'http://127.1/x',
    'http://2130706433/x',
    'http://0x7f000001/x',
    'http://0.0.0.0:9000/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://[fd00:ec2::254]/latest/',
    'http://metadata.evil.test/',
    'http://rebind.evil.test/',
    'http://v6loop.evil.test/',
    'http://mapped.evil.test/',
  ])('refuses %s by default', async (url) => {
    expect(await refused(guard(), url)).toMatch(/refused to call .*(loopback|metadata|unspecified|linkLocal)/);
  });

  it('lets public and private addresses through by default; private ones can be refused', async () => {
    expect(await refused(guard(), 'https://example.com/hook')).toBeNull();
    expect(await refused(guard(), 'http://jenkins.corp/job')).toBeNull();
    expect(await refused(guard([], true), 'http://jenkins.corp/job')).toMatch(/private/);
  });

  it('allows what the allowlist names, by host or by CIDR, and nothing more', async () => {
    expect(await refused(guard(['127.0.0.1']), 'http://127.0.0.1:9/')).toBeNull();
    expect(await refused(guard(['127.0.0.0/8']), 'http://127.0.0.2:9/')).toBeNull();
    expect(await refused(guard(['127.0.0.0/8']), 'http://169.254.169.254/')).not.toBeNull();
    expect(await refused(guard(['metadata.evil.test']), 'http://metadata.evil.test/')).toBeNull();
  });

  it('names the field and never retries a refusal; an unknown host is a transient failure', async () => {
    const err = await guard()(new URL('http://127.0.0.1/'), '/statusEndpoint').then(
      () => null,
      (e: unknown) => e as { code: string; retryable: boolean; details: Array<{ pointer: string }> },
    );
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false, details: [{ pointer: '/statusEndpoint' }] });
    await expect(guard()(new URL('http://nowhere.test/'))).rejects.toMatchObject({ retryable: true });
  });
});

describe('connect-time check (DNS rebinding)', () => {
  it('refuses when the name resolves to a refused address by the time the call connects', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      let calls = 0;
      // First answer public (the guard's check passes), then loopback (what the call would reach).
      const rebinding: Resolver = async () => (++calls === 1 ? ['93.184.216.34'] : ['127.0.0.1']);
      const g = createUrlGuard({ allow: [], refusePrivate: false }, rebinding);
      const url = new URL(`http://rebind.evil.test:${port}/`);
      await g(url);
      const err = await fetch(url, { dispatcher: g.dispatcher } as RequestInit).then(
        () => null,
        (e: { cause?: { code?: string; message?: string } }) => e.cause,
      );
      expect(err?.code).toBe('ESSRFREFUSED');
      expect(err?.message).toMatch(/loopback/);

      // The same path reaches an allowed address: the dispatcher works with Node's fetch.
      const allowed = createUrlGuard({ allow: ['127.0.0.0/8'], refusePrivate: false }, async () => ['127.0.0.1']);
      const res = await fetch(`http://fine.test:${port}/`, { dispatcher: allowed.dispatcher } as RequestInit);
      expect(await res.text()).toBe('reached');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
