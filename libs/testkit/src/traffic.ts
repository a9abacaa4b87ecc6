import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './build';

/** What examples/traffic.mjs prints as its last line when stopped. */
export interface TrafficSummary {
  sent: number;
  ok: number;
  failed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
  errors: Record<string, number>;
  [key: string]: unknown;
}

export interface TrafficLoad {
  proc: ChildProcess;
  /** Stops the generator and answers its summary. */
  stop(): Promise<TrafficSummary>;
}

/**
 * examples/traffic.mjs against `url` at `rps` requests per second. A request fails on a non-2xx
 * answer or none within `timeoutSeconds` (generous by default: a loaded 2-core machine can be slow,
 * not wrong).
 */
export function startTraffic(url: string, options: { rps?: number; timeoutSeconds?: number } = {}): TrafficLoad {
  const args = [join(ROOT, 'examples/traffic.mjs'), '--url', url, '--rps', String(options.rps ?? 40), '--timeout', String(options.timeoutSeconds ?? 60), '--quiet'];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      return JSON.parse(out.trim().split('\n').pop() ?? '{}') as TrafficSummary;
    },
  };
}
