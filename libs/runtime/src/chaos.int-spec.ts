import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, Receiver, Stack, waitFor, type ReceivedRequest } from '@gennaker/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Crash tests: workers SIGKILLed at random moments, Redis emptied mid-run. Every wait is on a
 * condition; the only randomness is which worker dies and when (chosen from progress, not time).
 */

function finished(status: string): boolean {
  return ['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(status);
}

async function setupPipelines(stack: Stack, receiver: Receiver): Promise<string> {
  expect((await stack.client.post('/api/v1/applications', { name: 'chaos' })).status).toBe(201);
  const r = await stack.client.post('/api/v1/pipelines', {
    application: 'chaos',
    name: 'mixed',
    limitConcurrent: false,
    stages: [
      { refId: '1', type: 'wait', waitTime: 1 },
      { refId: '2', type: 'webhook', url: `${receiver.url}/first`, requisiteStageRefIds: ['1'] },
      { refId: '3', type: 'manualJudgment', name: 'Approve', requisiteStageRefIds: ['2'] },
      { refId: '4', type: 'wait', waitTime: 1, requisiteStageRefIds: ['3'] },
      { refId: '5', type: 'webhook', url: `${receiver.url}/second`, requisiteStageRefIds: ['4'] },
      { refId: '6', type: 'evaluateVariables', variables: [{ key: 'done', value: '${execution.id}' }], requisiteStageRefIds: ['5'] },
    ],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** Approves every manual judgment that waits, until stopped. */
function approver(stack: Stack): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const list = await stack.client.get('/api/v1/executions?application=chaos&status=RUNNING&limit=500').catch(() => null);
      for (const e of list?.body?.items ?? []) {
        const gate = e.stages.find((s: any) => s.name === 'Approve' && s.status === 'RUNNING');
        if (gate) await stack.client.patch(`/api/v1/executions/${e.id}/stages/${gate.id}`, { judgmentStatus: 'continue' }).catch(() => null);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Each repeat of a webhook call (same idempotency key) must be explained by a worker dying after the previous call. */
function unexplainedRepeats(requests: ReceivedRequest[], kills: number[]): string[] {
  const byKey = new Map<string, number[]>();
  for (const r of requests) {
    const key = `${r.path}:${String(r.headers['idempotency-key'])}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r.time]);
  }
  const bad: string[] = [];
  for (const [key, times] of byKey) {
    for (let j = 1; j < times.length; j++) {
      const prev = times[j - 1] as number;
      const cur = times[j] as number;
      if (!kills.some((k) => k >= prev - 50 && k <= cur)) bad.push(`${key} repeated at ${cur} without a crash since ${prev}`);
    }
  }
  return bad;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('crash safety', () => {
  it('finishes 20 executions while workers are SIGKILLed 10 times, with no unexplained duplicate webhook calls', async () => {
    const receiver = await new Receiver().start();
    // A slow remote end widens the window in which a kill lands mid-call.
    for (const path of ['/first', '/second']) {
      receiver.on(path, (_req, res) => {
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        }, 150);
      });
    }
    const stack = await Stack.start({ workers: 2 });
    cleanups.push(() => stack.stop(), () => receiver.stop());
    const pipelineId = await setupPipelines(stack, receiver);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await stack.client.post(`/api/v1/pipelines/${pipelineId}/executions`, {})).body.id);
    const judge = approver(stack);

    const kills: number[] = [];
    let progress = 0;
    const measure = async (): Promise<number> => {
      const list = await stack.client.get('/api/v1/executions?application=chaos&limit=500');
      return list.body.items.reduce((n: number, e: any) => n + e.stages.filter((s: any) => finished(s.status)).length, 0);
    };
    for (let k = 0; k < 10; k++) {
      // The next kill comes after some random amount of progress (1 to 6 finished stages).
      const target = progress + 1 + Math.floor(Math.random() * 6);
      await waitFor(async () => (progress = await measure()) >= target || progress >= 120, { timeoutMs: 90_000, message: () => `progress past ${target}\n${stack.logs()}` });
      const live = stack.liveWorkers();
      const victim = live[Math.floor(Math.random() * live.length)]!;
      kills.push(Date.now());
      await stack.kill(victim, 'SIGKILL');
      await stack.startWorker();
    }

    await waitFor(async () => {
      const list = await stack.client.get('/api/v1/executions?application=chaos&limit=500');
      return list.body.items.length === 20 && list.body.items.every((e: any) => finished(e.status));
    }, { timeoutMs: 180_000, intervalMs: 250, message: () => `all executions to finish\n${stack.logs()}` });
    await judge.stop();

    for (const id of ids) {
      const e = (await stack.client.get(`/api/v1/executions/${id}`)).body;
      expect(e.status, `${id}: ${JSON.stringify(e.stages.map((s: any) => [s.name, s.status, s.error?.message]))}`).toBe('SUCCEEDED');
      expect(e.stages.find((s: any) => s.type === 'evaluateVariables').outputs.done).toBe(id);
    }
    // Every execution called each endpoint; repeats only after a crash.
    for (const path of ['/first', '/second']) {
      const callers = new Set(receiver.requests.filter((r) => r.path === path).map((r) => String(r.headers['x-gennaker-execution-id'])));
      expect(ids.filter((id) => !callers.has(id))).toEqual([]);
    }
    expect(unexplainedRepeats(receiver.requests, kills)).toEqual([]);
  });

  it('finishes 20 running executions after Redis is flushed (FLUSHALL), through the repair sweep', async () => {
    // A private Redis: FLUSHALL must not disturb the other test files.
    const port = await freePort();
    const redisServer: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    cleanups.push(async () => {
      redisServer.kill('SIGKILL');
    });
    // Connects and retries on its own until the server listens (slow to start on a busy machine;
    // a second connect() while it retries would only be refused).
    const redis = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    await waitFor(() => redis.status === 'ready', { timeoutMs: 30_000, intervalMs: 50, message: 'the private redis to start' });
    cleanups.push(async () => redis.disconnect());

    const receiver = await new Receiver().start();
    const stack = await Stack.start({ workers: 2, redisUrl: `redis://127.0.0.1:${port}` });
    cleanups.push(() => stack.stop(), () => receiver.stop());
    const pipelineId = await setupPipelines(stack, receiver);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await stack.client.post(`/api/v1/pipelines/${pipelineId}/executions`, {})).body.id);
    // Flush while every execution is mid-flight: some waiting, some at the judgment.
    await waitFor(async () => {
      const list = await stack.client.get('/api/v1/executions?application=chaos&status=RUNNING&limit=500');
      return list.body.items.length === 20;
    }, { message: 'all 20 to run' });
    expect(await redis.dbsize()).toBeGreaterThan(0);
    await redis.flushall();
    const flushedAt = Date.now();
    expect(await redis.dbsize()).toBe(0);

    const judge = approver(stack);
    await waitFor(async () => {
      const list = await stack.client.get('/api/v1/executions?application=chaos&limit=500');
      return list.body.items.every((e: any) => finished(e.status));
    }, { timeoutMs: 120_000, intervalMs: 250, message: () => `all executions to finish after the flush\n${stack.logs()}` });
    await judge.stop();
    console.log(`20 executions finished ${Date.now() - flushedAt} ms after FLUSHALL`);
    for (const id of ids) expect((await stack.client.get(`/api/v1/executions/${id}`)).body.status).toBe('SUCCEEDED');
    expect(stack.logs()).toMatch(/repair: re-sent \d+ lost message/);
  });
});
