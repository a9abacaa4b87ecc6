// Postgres and Redis for `npm run demo`: use the ones at the configured URLs, or start private
// ones under the data dir when nothing listens there and the binaries exist; otherwise say
// exactly what to install.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, chownSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export function listening(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitListening(host, port, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await listening(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${host}:${port}`);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function postgresBin(name) {
  const onPath = which(name);
  if (onPath) return onPath;
  // Debian keeps the server binaries out of PATH.
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort().reverse()) {
      const p = join(base, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/** Ensures a Postgres answers at `url`; returns a stop function for a private one (or null). */
export async function ensurePostgres(url, dataDir, log) {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 5432);
  if (await listening(host, port)) {
    log(`using PostgreSQL at ${host}:${port}`);
    return null;
  }
  const initdb = postgresBin('initdb');
  const pgCtl = postgresBin('pg_ctl');
  if (!initdb || !pgCtl || !['127.0.0.1', 'localhost'].includes(host)) {
    throw new Error(
      `nothing listens on ${host}:${port} for PostgreSQL and no server binaries were found.\n` +
        `Install PostgreSQL (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@16),\n` +
        `or point DATABASE_URL at a running server (default postgres://postgres@127.0.0.1:5432/gennaker).`,
    );
  }
  const dir = join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: run it as the postgres system user when we are root.
  const runAs = (args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`creating a private PostgreSQL cluster in ${dir}`);
    mkdirSync(dir, { recursive: true });
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const [cmd, args] = runAs([initdb, '-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('initdb failed');
  }
  log(`starting a private PostgreSQL on ${host}:${port}`);
  const [cmd, args] = runAs([pgCtl, '-D', dir, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k /tmp`, 'start']);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`pg_ctl start failed (see ${join(dir, 'server.log')})`);
  await waitListening(host, port, 'PostgreSQL');
  return () => {
    const [c, a] = runAs([pgCtl, '-D', dir, '-m', 'fast', 'stop']);
    spawnSync(c, a, { stdio: 'ignore' });
  };
}

/** Creates the database of `url` when it does not exist. */
export async function ensureDatabase(url, log) {
  const { default: pg } = await import('pg');
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1)) || 'gennaker';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) {
      log(`creating database ${name}`);
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

/** Ensures a Redis answers at `url`; returns a stop function for a private one (or null). */
export async function ensureRedis(url, dataDir, log) {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 6379);
  if (await listening(host, port)) {
    log(`using Redis at ${host}:${port}`);
    return null;
  }
  const bin = which('redis-server');
  if (!bin || !['127.0.0.1', 'localhost'].includes(host)) {
    throw new Error(
      `nothing listens on ${host}:${port} for Redis and redis-server was not found.\n` +
        `Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n` +
        `or point REDIS_URL at a running server (default redis://127.0.0.1:6379).`,
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  log(`starting a private Redis on ${host}:${port}`);
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  writeFileSync(join(dir, 'redis.pid'), String(child.pid));
  await waitListening(host, port, 'Redis');
  return () => child.kill('SIGTERM');
}
