#!/usr/bin/env node
// npm run demo: Gennaker on one machine. Postgres and Redis (running ones, or private ones under
// the data dir), the api, a worker and the web UI, the demo application and pipelines, a first
// deploy. Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, ensurePostgres, ensureRedis, listening } from './services.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gennaker',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  GENNAKER_API_PORT: process.env.GENNAKER_API_PORT ?? '8084',
  GENNAKER_WEB_PORT: process.env.GENNAKER_WEB_PORT ?? '9000',
  GENNAKER_DATA_DIR: resolve(process.env.GENNAKER_DATA_DIR ?? join(root, '.data')),
  GENNAKER_ADMIN_TOKEN: process.env.GENNAKER_ADMIN_TOKEN ?? `gk_${randomBytes(18).toString('base64url')}`,
};
const apiUrl = `http://127.0.0.1:${env.GENNAKER_API_PORT}`;
const webUrl = `http://127.0.0.1:${env.GENNAKER_WEB_PORT}`;
const log = (msg) => console.log(`[demo] ${msg}`);
const children = [];
const stops = [];
let stopping = false;

/** Warnings and errors only: JSON log lines by their level (pino: 40 = warn), others by their words. */
function important(line) {
  if (line.startsWith('{')) {
    try {
      return Number(JSON.parse(line).level) >= 40;
    } catch {
      return false;
    }
  }
  return /error|warn|exception/i.test(line);
}

function start(name, cmd, args, extraEnv = {}) {
  const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  const relay = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (process.env.GENNAKER_DEMO_VERBOSE || important(l)) out.write(prefix + l + '\n');
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the demo`);
      void shutdown(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(check, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((r) => child.once('exit', () => r(true))),
      new Promise((r) => setTimeout(() => r(false), 15_000)),
    ]);
    if (!exited) {
      log(`${name} did not stop in 15 s; killing it`);
      child.kill('SIGKILL');
    }
  }
  for (const stop of stops.reverse()) {
    try {
      stop();
    } catch {
      // best effort
    }
  }
  log('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  mkdirSync(env.GENNAKER_DATA_DIR, { recursive: true });
  if (!existsSync(join(root, 'node_modules'))) throw new Error('run `npm ci` first');
  const stopPg = await ensurePostgres(env.DATABASE_URL, env.GENNAKER_DATA_DIR, log);
  if (stopPg) stops.push(stopPg);
  await ensureDatabase(env.DATABASE_URL, log);
  const stopRedis = await ensureRedis(env.REDIS_URL, env.GENNAKER_DATA_DIR, log);
  if (stopRedis) stops.push(stopRedis);
  for (const [what, port] of [['the API', env.GENNAKER_API_PORT], ['the web UI', env.GENNAKER_WEB_PORT]]) {
    if (await listening('127.0.0.1', Number(port))) throw new Error(`port ${port} for ${what} is taken; stop what runs there or set ${what === 'the API' ? 'GENNAKER_API_PORT' : 'GENNAKER_WEB_PORT'}`);
  }

  log('building...');
  const build = spawnSync(process.execPath, ['tools/build/build.mjs'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('build failed');
  const hasWeb = existsSync(join(root, 'apps/web/server.mjs'));
  if (hasWeb) {
    const web = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: 'inherit', env });
    if (web.status !== 0) throw new Error('web build failed');
  }

  start('api', process.execPath, ['--enable-source-maps', 'dist/apps/api/main.js']);
  await waitFor(async () => (await fetch(`${apiUrl}/api/v1/health`)).ok, 'the API');
  start('worker', process.execPath, ['--enable-source-maps', 'dist/apps/worker/main.js']);
  if (hasWeb) {
    start('web', process.execPath, ['apps/web/server.mjs'], { GENNAKER_API_URL: apiUrl });
    await waitFor(async () => (await fetch(webUrl)).ok, 'the web UI');
  }

  const { runScenario } = await import('./scenario.mjs');
  await runScenario({ root, apiUrl, webUrl: hasWeb ? webUrl : null, token: env.GENNAKER_ADMIN_TOKEN, env, log, waitFor, startChild: start });
  log('running; press Ctrl-C to stop everything.');
}

main().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
