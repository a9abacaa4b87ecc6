import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase } from '@gennaker/persistence';
import { Redis } from 'ioredis';
import { ensureBuilt, ROOT } from './build';
import { ApiClient } from './http-client';
import { waitFor } from './wait-for';

export interface StackOptions {
  workers?: number;
  api?: boolean;
  env?: Record<string, string>;
  redisUrl?: string;
  /** Reuse a database instead of creating one. */
  databaseUrl?: string;
}

export interface ProcessHandle {
  name: string;
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A whole Gennaker on one machine for a test: its own database and queue prefix, an api and any
 * number of worker processes, started from the same bundles production runs.
 */
export class Stack {
  readonly workers: ProcessHandle[] = [];
  api: ProcessHandle | null = null;
  apiUrl = '';
  client!: ApiClient;
  private dropDb: (() => Promise<void>) | null = null;
  /** A data dir of its own (local provider images and state, secrets key), unless the test gives one. */
  readonly dataDir = mkdtempSync(join(tmpdir(), 'gk-stack-'));

  constructor(
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly queuePrefix: string,
    private readonly extraEnv: Record<string, string>,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    await ensureBuilt();
    let databaseUrl = options.databaseUrl;
    let drop: (() => Promise<void>) | null = null;
    if (!databaseUrl) {
      const db = await createTestDatabase();
      databaseUrl = db.url;
      drop = db.drop;
    }
    const prefix = `gkt${randomBytes(4).toString('hex')}`;
    const stack = new Stack(databaseUrl, options.redisUrl ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', prefix, options.env ?? {});
    stack.dropDb = drop;
    try {
      if (options.api !== false) await stack.startApi();
      for (let i = 0; i < (options.workers ?? 1); i++) await stack.startWorker();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      GENNAKER_QUEUE_PREFIX: this.queuePrefix,
      GENNAKER_JOB_LOCK_MS: '5000',
      GENNAKER_REPAIR_INTERVAL_MS: '1000',
      GENNAKER_REPAIR_GRACE_MS: '3000',
      GENNAKER_DATA_DIR: this.dataDir,
      // Several stacks run at once against one Postgres (max_connections 100 by default): small pools.
      GENNAKER_DB_POOL_SIZE: '6',
      NODE_ENV: 'test',
      // Test receivers listen on loopback, which the webhook stage's SSRF guard refuses by default.
      GENNAKER_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost,::1',
      // Benchmarks post hundreds of deliveries a second from one address.
      GENNAKER_WEBHOOK_RATE_LIMIT: '1000000',
      ...this.extraEnv,
      ...extra,
    };
  }

  private spawn(name: string, app: string, env: NodeJS.ProcessEnv): ProcessHandle {
    const proc = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs(env), join(ROOT, 'dist/apps', app, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(chunk.toString('utf8'));
      if (output.length > 400) output.splice(0, output.length - 400);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    return { name, proc, output, exited };
  }

  async startApi(): Promise<ProcessHandle> {
    const port = await freePort();
    const handle = this.spawn('api', 'api', this.env({ GENNAKER_API_PORT: String(port), GENNAKER_API_HOST: '127.0.0.1' }));
    this.api = handle;
    this.apiUrl = `http://127.0.0.1:${port}`;
    this.client = new ApiClient(this.apiUrl, this.extraEnv['GENNAKER_ADMIN_TOKEN']);
    await waitFor(
      async () => {
        if (handle.proc.exitCode !== null) throw new Error(`api exited: ${handle.output.join('').slice(-2000)}`);
        const r = await fetch(`${this.apiUrl}/api/v1/health`).catch(() => null);
        return r?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, message: () => `the api to start:\n${handle.output.join('').slice(-2000)}` },
    );
    return handle;
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<ProcessHandle> {
    const handle = this.spawn(`worker${this.workers.length}`, 'worker', this.env(extraEnv));
    this.workers.push(handle);
    await waitFor(
      () => {
        if (handle.proc.exitCode !== null) throw new Error(`worker exited: ${handle.output.join('').slice(-2000)}`);
        return handle.output.join('').includes('gennaker worker');
      },
      { timeoutMs: 60_000, intervalMs: 50, message: () => `a worker to start:\n${handle.output.join('').slice(-2000)}` },
    );
    return handle;
  }

  liveWorkers(): ProcessHandle[] {
    return this.workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
  }

  async kill(handle: ProcessHandle, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (handle.proc.exitCode !== null || handle.proc.signalCode !== null) return;
    handle.proc.kill(signal);
    // A graceful stop waits for running jobs; never longer than 10 s in a test.
    const timer = signal === 'SIGKILL' ? null : setTimeout(() => handle.proc.kill('SIGKILL'), 10_000);
    await handle.exited;
    if (timer) clearTimeout(timer);
  }

  /** Deletes every Redis key of this stack's queues: for the stack, Redis is lost. */
  async flushQueues(): Promise<number> {
    const redis = new Redis(this.redisUrl);
    let n = 0;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.queuePrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) n += await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    return n;
  }

  /** Polls an execution until its status is one of `statuses`; answers it (the API's view). */
  async untilExecution(id: string, statuses: readonly string[], options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<any> {
    let last: any;
    await waitFor(
      async () => {
        last = (await this.client.get(`/api/v1/executions/${id}`)).body;
        return statuses.includes(last?.status);
      },
      {
        timeoutMs: options.timeoutMs ?? 90_000,
        intervalMs: options.intervalMs ?? 200,
        message: () => `execution ${id} to reach ${statuses.join('/')}; it is ${last?.status}\n${JSON.stringify(last?.stages?.map((s: any) => [s.name, s.status, s.error?.message]))}\n${this.logs()}`,
      },
    );
    return last;
  }

  logs(): string {
    return [this.api, ...this.workers]
      .filter((h): h is ProcessHandle => h !== null)
      .map((h) => `--- ${h.name} ---\n${h.output.join('').slice(-4000)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([this.api, ...this.workers].filter((h): h is ProcessHandle => h !== null).map((h) => this.kill(h, 'SIGTERM').catch(() => undefined)));
    await this.flushQueues().catch(() => undefined);
    await this.dropDb?.().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Extra node flags for the api and workers (GENNAKER_TEST_NODE_ARGS, e.g. --cpu-prof, which NODE_OPTIONS refuses). */
function nodeArgs(env: NodeJS.ProcessEnv): string[] {
  return (env['GENNAKER_TEST_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
}
