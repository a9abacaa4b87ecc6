import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CLOUD_ENTITIES } from '../local-state.repository';
import { ClusterLocks1764171100000 } from '../migrations/1764171100000-cluster-locks';
import { LocalRouting1764171200000 } from '../migrations/1764171200000-local-routing';
import { LocalProvider, type LocalProviderOptions } from '../local-provider';
import { LocalProvider1764171000000 } from '../migrations/1764171000000-local-provider';

export const REPO_ROOT = resolve(__dirname, '../../../..');

/**
 * A throwaway database with only the local provider's tables, and a data directory, for
 * integration specs of the local provider in this process (the full stack is in cloud-stages).
 */
export async function localFixture(options: Partial<LocalProviderOptions> = {}) {
  const base = new URL(process.env['GENNAKER_TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/gennaker');
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const name = `gk_local_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const ds = new DataSource({ type: 'postgres', url: url.toString(), entities: CLOUD_ENTITIES, migrations: [LocalProvider1764171000000, ClusterLocks1764171100000, LocalRouting1764171200000], migrationsTableName: 'typeorm_migrations', extra: { max: 10 } });
  await ds.initialize();
  await ds.runMigrations();
  const dataDir = mkdtempSync(join(tmpdir(), 'gk-local-'));
  const quiet = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
  const providers: LocalProvider[] = [];
  const make = (o: Partial<LocalProviderOptions> = {}): LocalProvider => {
    const p = new LocalProvider([{ name: 'local', provider: 'local', regions: ['local'], environment: 'test' }], {
      dataSource: ds,
      dataDir,
      cwd: REPO_ROOT,
      role: 'worker',
      tickMs: 100,
      healthIntervalMs: 200,
      drainTimeoutMs: 3000,
      log: quiet,
      ...options,
      ...o,
    });
    providers.push(p);
    return p;
  };
  return {
    ds,
    url: url.toString(),
    dataDir,
    make,
    async teardown(): Promise<void> {
      for (const p of providers) await p.shutdown().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
      const d = new Client({ connectionString: admin.toString() });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await d.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` answers truthy; throws with `what` after the timeout. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
