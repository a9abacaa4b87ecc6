// Benchmark (issue 8): what authorization costs. Fiat needs a 24 GB heap and a 50-80 s role sync;
// here a check is two indexed reads per request and a change counts from the next request.
// Measures, against a real api with 1,000 applications (half restricted) and a token per role:
// - latency of GET /applications/{app} with the admin token (no token row, no permission read)
//   and with a role token (token row + the application's permissions), p50/p99, and the difference;
// - latency of the filtered application list for a role token vs the admin token;
// - requests accepted after a revocation and after a permission change (both must be 0);
// - pure permission checks per second; the api's RSS at the end.
// Run: npm run bench -- auth   (BENCH_REQUESTS overrides 1,000 requests per series; last line is JSON)
import { readFileSync } from 'node:fs';
import { hasApplicationPermission } from '@gennaker/auth-policy';
import { Stack } from '@gennaker/testkit';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 1000);
const APPS = 1000;
const ADMIN = 'bench-admin-token-0123456789';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function timed(url: string, token: string, n: number): Promise<{ p50: number; p99: number; statuses: Set<number> }> {
  const ms: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(url.replace('{i}', String(i % APPS)), { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    ms.push(performance.now() - t0);
    statuses.add(r.status);
  }
  ms.sort((a, b) => a - b);
  return { p50: +percentile(ms, 50).toFixed(2), p99: +percentile(ms, 99).toFixed(2), statuses };
}

async function main(): Promise<void> {
  const stack = await Stack.start({ workers: 0, env: { GENNAKER_ADMIN_TOKEN: ADMIN } });
  try {
    const api = stack.client;
    for (let i = 0; i < APPS; i++) {
      const permissions = i % 2 === 0 ? { READ: [`team${i % 50}`, 'reader'], WRITE: [`team${i % 50}`] } : undefined;
      const r = await api.post('/api/v1/applications', { name: `app${i}`, ...(permissions ? { permissions } : {}) });
      if (r.status !== 201) throw new Error(`creating app${i}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const reader = (await api.post('/api/v1/tokens', { name: 'bench-reader', roles: ['reader', 'team7'] })).body.token as string;
    const one = `${stack.apiUrl}/api/v1/applications/app{i}`;
    // Warm up both paths.
    await timed(one, ADMIN, 50);
    await timed(one, reader, 50);
    const asAdmin = await timed(one, ADMIN, REQUESTS);
    const asReader = await timed(one, reader, REQUESTS);
    if (asReader.statuses.size !== 1 || !asReader.statuses.has(200)) throw new Error(`reader got ${[...asReader.statuses].join(',')}`);
    const listAdmin = await timed(`${stack.apiUrl}/api/v1/applications`, ADMIN, Math.ceil(REQUESTS / 10));
    const listReader = await timed(`${stack.apiUrl}/api/v1/applications`, reader, Math.ceil(REQUESTS / 10));

    // A permission change counts from the next request: no sync, no cache to expire.
    await api.put('/api/v1/applications/app0', { permissions: { READ: ['someone-else'], WRITE: ['someone-else'] } });
    const afterChange = await fetch(`${stack.apiUrl}/api/v1/applications/app0`, { headers: { authorization: `Bearer ${reader}` } });
    const temp = (await api.post('/api/v1/tokens', { name: 'bench-temp', roles: [] })).body as { id: string; token: string };
    await api.delete(`/api/v1/tokens/${temp.id}`);
    const afterRevoke = await fetch(`${stack.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${temp.token}` } });

    const principal = { name: 'u', roles: ['dev', 'team7'], admin: false };
    const perms = { READ: ['a', 'b', 'c', 'team7'], WRITE: ['a'], EXECUTE: ['b'] };
    const t0 = performance.now();
    let allowed = 0;
    for (let i = 0; i < 1_000_000; i++) if (hasApplicationPermission(principal, perms, i % 3 === 0 ? 'READ' : i % 3 === 1 ? 'WRITE' : 'EXECUTE')) allowed++;
    const checksPerSecond = Math.round(1_000_000 / ((performance.now() - t0) / 1000));

    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${stack.api!.proc.pid}/status`, 'utf8'))?.[1];
    console.log(`GET one application: admin p50 ${asAdmin.p50} ms, role token p50 ${asReader.p50} ms; list of ${APPS}: admin p50 ${listAdmin.p50} ms, role token p50 ${listReader.p50} ms`);
    console.log(
      JSON.stringify({
        bench: 'auth',
        applications: APPS,
        requests: REQUESTS,
        getAdminP50Ms: asAdmin.p50,
        getAdminP99Ms: asAdmin.p99,
        getRoleTokenP50Ms: asReader.p50,
        getRoleTokenP99Ms: asReader.p99,
        authzOverheadP50Ms: +(asReader.p50 - asAdmin.p50).toFixed(2),
        listAdminP50Ms: listAdmin.p50,
        listRoleTokenP50Ms: listReader.p50,
        acceptedAfterPermissionChange: afterChange.status === 200 ? 1 : 0,
        acceptedAfterRevocation: afterRevoke.status === 200 ? 1 : 0,
        permissionChecksPerSecond: checksPerSecond,
        allowedChecks: allowed,
        apiRssMb: rss ? Math.round(Number(rss) / 1024) : null,
      }),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
