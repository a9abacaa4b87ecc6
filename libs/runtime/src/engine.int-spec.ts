import { Receiver, Stack, waitFor, never } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
let receiver: Receiver;
const api = () => stack.client;

async function pipeline(body: Record<string, unknown>): Promise<string> {
  const r = await api().post('/api/v1/pipelines', { application: 'engine', limitConcurrent: false, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
async function run(pipelineId: string, parameters?: Record<string, unknown>): Promise<string> {
  const r = await api().post(`/api/v1/pipelines/${pipelineId}/executions`, parameters ? { parameters } : {});
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.id as string;
}
async function execution(id: string): Promise<any> {
  return (await api().get(`/api/v1/executions/${id}`)).body;
}
const until = (id: string, statuses: string[], timeoutMs = 30_000): Promise<any> => stack.untilExecution(id, statuses, { timeoutMs, intervalMs: 50 });
const stageByRef = (e: any, refId: string) => e.stages.find((s: any) => s.refId === refId);

beforeAll(async () => {
  receiver = await new Receiver().start();
  stack = await Stack.start({ workers: 2 });
  expect((await api().post('/api/v1/applications', { name: 'engine' })).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

// Acceptance (a). Every task goes through the queue here (no task runs in the step that starts it),
// so parallel branches really finish in different jobs, on two workers, and race for the join.
describe('graphs, every task queued', () => {
  let queued: Stack;
  const RUNS = 200;
  // 200 runs of a 50-stage DAG are 10,000 queued stages: about 90 s here, alone.
  const GRAPH_TIMEOUT_MS = 600_000;

  beforeAll(async () => {
    queued = await Stack.start({ workers: 2, env: { GENNAKER_INLINE_TASKS: 'false' } });
    expect((await queued.client.post('/api/v1/applications', { name: 'graphs' })).status).toBe(201);
  });
  afterAll(async () => {
    await queued?.stop();
  });

  /** Runs a pipeline RUNS times at once and returns every finished execution, in full. */
  async function runMany(name: string, stages: Array<Record<string, unknown>>): Promise<any[]> {
    const created = await queued.client.post('/api/v1/pipelines', { application: 'graphs', name, limitConcurrent: false, stages });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await queued.client.post(`/api/v1/pipelines/${created.body.id}/executions`, {});
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      ids.push(r.body.id as string);
    }
    await waitFor(async () => {
      const r = await queued.client.get(`/api/v1/executions?pipelineId=${created.body.id}&status=SUCCEEDED,TERMINAL,CANCELED&limit=500`);
      return r.body.items.length === RUNS;
    }, { timeoutMs: GRAPH_TIMEOUT_MS - 60_000, message: () => `${RUNS} runs of ${name} to finish\n${queued.logs()}` });
    return Promise.all(ids.map(async (id) => (await queued.client.get(`/api/v1/executions/${id}`)).body));
  }

  /** Every stage ran once (one task), and only after all its upstream stages ended. */
  function expectInOrder(e: any, stages: Array<{ refId: string; requisiteStageRefIds?: string[] }>): void {
    expect(e.status).toBe('SUCCEEDED');
    for (const s of stages) {
      const st = stageByRef(e, s.refId);
      expect(st.status).toBe('SUCCEEDED');
      expect(st.tasks).toHaveLength(1);
      for (const d of s.requisiteStageRefIds ?? []) expect(Date.parse(st.startTime)).toBeGreaterThanOrEqual(Date.parse(stageByRef(e, d).endTime));
    }
  }

  it(`runs a linear pipeline ${RUNS} times`, async () => {
    const stages = [1, 2, 3, 4, 5].map((n) => ({ refId: String(n), type: 'wait', waitTime: 0, requisiteStageRefIds: n === 1 ? [] : [String(n - 1)] }));
    for (const e of await runMany('linear', stages)) expectInOrder(e, stages);
  }, GRAPH_TIMEOUT_MS);

  it(`runs a 50-stage DAG ${RUNS} times, every stage once, after all its upstream stages`, async () => {
    // Deterministic random DAG: each stage depends on up to 3 earlier ones.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const stages = Array.from({ length: 50 }, (_, i) => {
      const deps = new Set<string>();
      for (let k = 0; k < 3 && i > 0; k++) if (rnd() < 0.6) deps.add(String(1 + Math.floor(rnd() * i)));
      return { refId: String(i + 1), type: 'wait', waitTime: 0, requisiteStageRefIds: [...deps] };
    });
    for (const e of await runMany('dag50', stages)) expectInOrder(e, stages);
  }, GRAPH_TIMEOUT_MS);

  it(`joins a diamond exactly once, ${RUNS} times, when its middle stages finish together`, async () => {
    // The middle stages answer together: a call is held until its sibling's arrives (or 200 ms
    // pass, so that calls held in every task slot can never wait for each other forever).
    const held = new Map<string, () => void>();
    receiver.on('/middle', (req, res) => {
      const e = String(req.headers['x-gennaker-execution-id']);
      const answer = () => {
        if (res.writableEnded) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      };
      const sibling = held.get(e);
      if (sibling) {
        held.delete(e);
        sibling();
        answer();
      } else {
        held.set(e, answer);
        setTimeout(() => {
          if (held.get(e) === answer) held.delete(e);
          answer();
        }, 200).unref();
      }
    });
    const stages = [
      { refId: '1', type: 'wait', waitTime: 0 },
      { refId: '2', type: 'webhook', url: `${receiver.url}/middle`, method: 'POST', requisiteStageRefIds: ['1'] },
      { refId: '3', type: 'webhook', url: `${receiver.url}/middle`, method: 'POST', requisiteStageRefIds: ['1'] },
      { refId: '4', type: 'webhook', url: `${receiver.url}/join`, method: 'POST', requisiteStageRefIds: ['2', '3'] },
    ];
    const runs = await runMany('diamond', stages);
    const calls = new Map<string, number>();
    for (const r of receiver.requests.filter((q) => q.path === '/join')) {
      const e = String(r.headers['x-gennaker-execution-id']);
      calls.set(e, (calls.get(e) ?? 0) + 1);
    }
    expect(runs.map((e) => e.id).filter((id) => calls.get(id) !== 1)).toEqual([]);
    for (const e of runs) expectInOrder(e, stages);
    // The race did happen: in some runs each middle stage was still running when the other ended.
    const together = runs.filter((e) => {
      const [a, b] = [stageByRef(e, '2'), stageByRef(e, '3')];
      return Date.parse(a.startTime) < Date.parse(b.endTime) && Date.parse(b.startTime) < Date.parse(a.endTime);
    }).length;
    console.log(`diamond: middle stages overlapped in ${together} of ${RUNS} runs`);
    expect(together).toBeGreaterThan(0);
  }, GRAPH_TIMEOUT_MS);
});

describe('failure flags through the real runtime', () => {
  it.each([
    [{}, 'TERMINAL', 'TERMINAL', 'CANCELED'],
    [{ failPipeline: false, continuePipeline: true }, 'FAILED_CONTINUE', 'SUCCEEDED', 'SUCCEEDED'],
    [{ failPipeline: false }, 'STOPPED', 'SUCCEEDED', 'SUCCEEDED'],
    [{ failPipeline: false, completeOtherBranchesThenFail: true }, 'STOPPED', 'TERMINAL', 'SUCCEEDED'],
  ])('flags %j: failing stage %s, execution %s, other branch %s', async (flags, stageStatus, execStatus, otherStatus) => {
    receiver.on('/fail', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"boom"}');
    });
    const id = await pipeline({
      name: `flags-${JSON.stringify(flags)}`,
      stages: [
        { refId: '1', type: 'webhook', url: `${receiver.url}/fail`, ...flags },
        { refId: '2', type: 'wait', waitTime: 0, requisiteStageRefIds: ['1'] },
        { refId: '3', type: 'wait', waitTime: 2 },
      ],
    });
    const e = await until(await run(id), ['SUCCEEDED', 'TERMINAL', 'CANCELED']);
    expect(e.status).toBe(execStatus);
    expect(stageByRef(e, '1').status).toBe(stageStatus);
    expect(stageByRef(e, '1').error.message).toContain('HTTP 500');
    expect(stageByRef(e, '3').status).toBe(otherStatus);
  });
});

describe('operator actions', () => {
  async function cancelWithin2s(executionId: string): Promise<number> {
    const t0 = Date.now();
    const r = await api().put(`/api/v1/executions/${executionId}/cancel`, { reason: 'test' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await until(executionId, ['CANCELED'], 2000);
    return Date.now() - t0;
  }

  it('cancels a running wait, a paused execution, a manual judgment and a webhook that never answers, each within 2 s', async () => {
    receiver.on('/hang', never);
    const wait = await run(await pipeline({ name: 'long-wait', stages: [{ refId: '1', type: 'wait', waitTime: 3600 }] }));
    const paused = await run(await pipeline({ name: 'to-pause', stages: [{ refId: '1', type: 'wait', waitTime: 3600 }] }));
    const judgment = await run(await pipeline({ name: 'judge-me', stages: [{ refId: '1', type: 'manualJudgment' }] }));
    const hang = await run(await pipeline({ name: 'hang', stages: [{ refId: '1', type: 'webhook', url: `${receiver.url}/hang` }] }));
    for (const id of [wait, paused, judgment]) await waitFor(async () => stageByRef(await execution(id), '1').status === 'RUNNING');
    await waitFor(() => receiver.count('/hang') > 0, { message: 'the hanging webhook to be called' });
    expect((await api().put(`/api/v1/executions/${paused}/pause`)).status).toBe(202);
    expect((await execution(paused)).status).toBe('PAUSED');

    for (const id of [wait, paused, judgment, hang]) expect(await cancelWithin2s(id)).toBeLessThan(2000);
    const e = await execution(hang);
    expect(stageByRef(e, '1').status).toBe('CANCELED');
    expect(e.canceledBy).toBe('anonymous');
    expect(e.cancellationReason).toBe('test');
    // The worker gave up the request: the remote end saw its client go away.
    await waitFor(() => receiver.aborted > 0, { timeoutMs: 5000, message: 'the hanging request to be aborted' });
  });

  it('pauses and resumes; paused time does not count toward the wait', async () => {
    const id = await run(await pipeline({ name: 'pause-resume', stages: [{ refId: '1', type: 'wait', waitTime: 2 }] }));
    await waitFor(async () => stageByRef(await execution(id), '1').status === 'RUNNING');
    expect((await api().put(`/api/v1/executions/${id}/pause`)).status).toBe(202);
    const pausedAt = Date.now();
    await waitFor(() => Date.now() - pausedAt > 2500, { intervalMs: 100 });
    expect((await execution(id)).status).toBe('PAUSED');
    expect((await api().put(`/api/v1/executions/${id}/resume`)).status).toBe(202);
    const e = await until(id, ['SUCCEEDED']);
    expect(e.paused.pausedMs).toBeGreaterThanOrEqual(2500);
    expect(Date.parse(e.endTime) - Date.parse(e.startTime)).toBeGreaterThanOrEqual(2000 + 2500);
  });

  it('judges: continue passes the input on; stop fails the stage', async () => {
    const id = await pipeline({
      name: 'judged',
      stages: [
        { refId: '1', type: 'manualJudgment', name: 'Gate', judgmentInputs: [{ value: 'ship' }, { value: 'hold' }] },
        { refId: '2', type: 'evaluateVariables', requisiteStageRefIds: ['1'], variables: [{ key: 'choice', value: "${#judgment('Gate')}" }] },
      ],
    });
    const a = await run(id);
    await waitFor(async () => stageByRef(await execution(a), '1').status === 'RUNNING');
    const gate = stageByRef(await execution(a), '1').id;
    const bad = await api().patch(`/api/v1/executions/${a}/stages/${gate}`, { judgmentStatus: 'continue', judgmentInput: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].pointer).toBe('/judgmentInput');
    expect((await api().patch(`/api/v1/executions/${a}/stages/${gate}`, { judgmentStatus: 'continue', judgmentInput: 'ship' })).status).toBe(202);
    const done = await until(a, ['SUCCEEDED', 'TERMINAL'], 5000);
    expect(stageByRef(done, '2').outputs.choice).toBe('ship');
    expect(stageByRef(done, '1').outputs.judgedBy).toBe('anonymous');

    const b = await run(id);
    await waitFor(async () => stageByRef(await execution(b), '1').status === 'RUNNING');
    await api().patch(`/api/v1/executions/${b}/stages/${stageByRef(await execution(b), '1').id}`, { judgmentStatus: 'stop' });
    const stopped = await until(b, ['SUCCEEDED', 'TERMINAL'], 5000);
    expect(stopped.status).toBe('TERMINAL');
    expect(stageByRef(stopped, '1').error.message).toContain('stopped by anonymous');
  });

  it('restarts a failed stage and skips a running one', async () => {
    let fail = true;
    receiver.on('/flaky', (_req, res) => {
      res.writeHead(fail ? 400 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const id = await pipeline({
      name: 'restart-skip',
      stages: [
        { refId: '1', type: 'webhook', url: `${receiver.url}/flaky` },
        { refId: '2', type: 'wait', waitTime: 3600, requisiteStageRefIds: ['1'] },
      ],
    });
    const e1 = await until(await run(id), ['TERMINAL']);
    fail = false;
    const s1 = stageByRef(e1, '1');
    expect((await api().put(`/api/v1/executions/${e1.id}/stages/${s1.id}/restart`)).status).toBe(202);
    await waitFor(async () => stageByRef(await execution(e1.id), '2').status === 'RUNNING');
    const again = await execution(e1.id);
    expect(again.status).toBe('RUNNING');
    expect(stageByRef(again, '1').status).toBe('SUCCEEDED');
    expect(stageByRef(again, '1').context.restartDetails.previousError.message).toContain('HTTP 400');
    expect((await api().put(`/api/v1/executions/${e1.id}/stages/${stageByRef(again, '2').id}/skip`)).status).toBe(202);
    const done = await until(e1.id, ['SUCCEEDED'], 5000);
    expect(stageByRef(done, '2').status).toBe('SKIPPED');
  });

  it('refuses actions that do not fit the state with 409 and unknown ids with 404', async () => {
    const id = await run(await pipeline({ name: 'quick', stages: [{ refId: '1', type: 'wait', waitTime: 0 }] }));
    await until(id, ['SUCCEEDED']);
    expect((await api().put(`/api/v1/executions/${id}/pause`)).status).toBe(409);
    expect((await api().put(`/api/v1/executions/${id}/cancel`)).status).toBe(409);
    expect((await api().put(`/api/v1/executions/nope/cancel`)).status).toBe(404);
    expect((await api().get(`/api/v1/executions/nope`)).status).toBe(404);
  });
});

describe('child pipelines', () => {
  it('fails the parent stage when the child fails, and cancels the child with the parent', async () => {
    const failing = await pipeline({ name: 'child-fails', stages: [{ refId: '1', type: 'checkPreconditions', preconditions: [{ type: 'expression', context: { expression: '${parameters.ok == "yes"}' } }] }], parameterConfig: [{ name: 'ok', default: 'no' }] });
    const slow = await pipeline({ name: 'child-slow', stages: [{ refId: '1', type: 'wait', waitTime: 3600 }] });
    const parentFail = await pipeline({ name: 'parent-1', stages: [{ refId: '1', type: 'pipeline', pipeline: 'child-fails', pipelineParameters: { ok: 'no' } }] });
    const e = await until(await run(parentFail), ['SUCCEEDED', 'TERMINAL']);
    expect(e.status).toBe('TERMINAL');
    expect(stageByRef(e, '1').error.message).toContain('child pipeline ended TERMINAL');

    const parentOk = await pipeline({ name: 'parent-2', stages: [{ refId: '1', type: 'pipeline', pipeline: failing, pipelineParameters: { ok: 'yes' } }] });
    expect((await until(await run(parentOk), ['SUCCEEDED', 'TERMINAL'])).status).toBe('SUCCEEDED');

    const parentCancel = await pipeline({ name: 'parent-3', stages: [{ refId: '1', type: 'pipeline', pipeline: slow }] });
    const p = await run(parentCancel);
    const childId = await waitFor(async () => stageByRef(await execution(p), '1').context.executionId as string | undefined);
    await until(childId, ['RUNNING']);
    await api().put(`/api/v1/executions/${p}/cancel`);
    const child = await until(childId, ['CANCELED'], 10_000);
    expect(child.trigger.type).toBe('pipeline');
  });
});

describe('concurrency limits and orchestrations', () => {
  it('buffers a second run with limitConcurrent and starts it when the first ends', async () => {
    const id = await pipeline({ name: 'one-at-a-time', limitConcurrent: true, keepWaitingPipelines: true, stages: [{ refId: '1', type: 'wait', waitTime: 1 }] });
    const a = await run(id);
    await until(a, ['RUNNING']);
    const b = await run(id);
    await until(b, ['BUFFERED'], 5000);
    const eb = await until(b, ['SUCCEEDED'], 15_000);
    const ea = await execution(a);
    expect(Date.parse(eb.startTime)).toBeGreaterThanOrEqual(Date.parse(ea.endTime));
  });

  it('starts every waiting run while runs end and others are started, never more than the limit at once', async () => {
    // Ends of runs race starts deciding to wait: a start that counted an ending run as running
    // must still be started when that run ends. No repair sweep here (it would start forgotten
    // waiting runs late, hiding a lost one).
    const own = await Stack.start({ workers: 2, env: { GENNAKER_REPAIR_INTERVAL_MS: '3600000' } });
    try {
      expect((await own.client.post('/api/v1/applications', { name: 'engine' })).status).toBe(201);
      const created = await own.client.post('/api/v1/pipelines', {
        application: 'engine', name: 'two-at-a-time', limitConcurrent: true, maxConcurrentExecutions: 2, keepWaitingPipelines: true,
        // Runs short enough to end while the next ones are being started.
        stages: [{ refId: '1', type: 'wait', waitTime: 0.05 }],
      });
      expect(created.status).toBe(201);
      const ids: string[] = [];
      for (let round = 0; round < 5; round++) {
        const started = await Promise.all(Array.from({ length: 6 }, () => own.client.post(`/api/v1/pipelines/${created.body.id}/executions`, {})));
        ids.push(...started.map((r) => r.body.id as string));
      }
      const ended = await Promise.all(ids.map((e) => own.untilExecution(e, ['SUCCEEDED', 'TERMINAL', 'CANCELED'], { timeoutMs: 30_000, intervalMs: 50 })));
      expect(ended.map((e) => e.status)).toEqual(ids.map(() => 'SUCCEEDED'));
      const edges = ended.flatMap((e) => [{ t: Date.parse(e.startTime), d: 1 }, { t: Date.parse(e.endTime), d: -1 }]).sort((x, y) => x.t - y.t || x.d - y.d);
      let running = 0;
      let most = 0;
      for (const edge of edges) most = Math.max(most, (running += edge.d));
      expect(most).toBeLessThanOrEqual(2);
    } finally {
      await own.stop();
    }
  });

  it('runs an ad-hoc orchestration', async () => {
    const r = await api().post('/api/v1/applications/engine/tasks', { description: 'two waits', job: [{ type: 'wait', waitTime: 0 }, { type: 'wait', waitTime: 0 }] });
    expect(r.status).toBe(202);
    const e = await until(r.body.id, ['SUCCEEDED']);
    expect(e.type).toBe('ORCHESTRATION');
    expect(e.stages).toHaveLength(2);
    const bad = await api().post('/api/v1/applications/engine/tasks', { job: [{ type: 'teleport' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].pointer).toBe('/job/0/type');
    const negative = await api().post('/api/v1/applications/engine/tasks', { job: [{ type: 'wait', waitTime: 1 }, { type: 'wait', waitTime: -5 }] });
    expect(negative.status).toBe(400);
    expect(negative.body.error.details.map((d: any) => d.pointer)).toContain('/job/1/waitTime');
  });
});

describe('live events', () => {
  it('streams a snapshot and status changes until SUCCEEDED', async () => {
    const id = await run(await pipeline({ name: 'sse', stages: [{ refId: '1', type: 'manualJudgment' }] }));
    await waitFor(async () => stageByRef(await execution(id), '1').status === 'RUNNING');
    const res = await fetch(`${stack.apiUrl}/api/v1/executions/${id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        if (text.includes('"kind":"execution","executionId":"' + id + '"') && text.includes('"status":"SUCCEEDED"')) return;
      }
    })();
    await waitFor(() => text.includes('event: snapshot'));
    const stage = stageByRef(await execution(id), '1').id;
    await api().patch(`/api/v1/executions/${id}/stages/${stage}`, { judgmentStatus: 'continue' });
    await Promise.race([read, waitFor(() => false, { timeoutMs: 5000, message: 'SUCCEEDED over SSE' })]);
    await reader.cancel();
    expect(text).toMatch(/event: status\ndata: .*"kind":"stage".*"status":"SUCCEEDED"/);
  });
});
