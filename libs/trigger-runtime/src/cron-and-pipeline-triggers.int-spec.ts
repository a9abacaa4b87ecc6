import { Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
const api = () => stack.client;

async function save(body: Record<string, unknown>): Promise<any> {
  const r = await api().post('/api/v1/pipelines', { application: 'sched', limitConcurrent: false, ...body });
  expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
  return r.body;
}

async function executions(pipelineId: string): Promise<any[]> {
  return (await api().get(`/api/v1/executions?pipelineId=${pipelineId}&limit=500`)).body.items;
}

beforeAll(async () => {
  stack = await Stack.start({ workers: 3 });
  expect((await api().post('/api/v1/applications', { name: 'sched' })).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

describe('cron triggers', () => {
  it('three workers and a tick every 3 s for a minute: exactly one execution per tick', async () => {
    const p = await save({
      name: 'every-3s',
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
      triggers: [{ type: 'cron', enabled: true, cronExpression: '*/3 * * * * ?', timeZone: 'Europe/Paris' }],
    });
    const ticks = (list: any[]) => list.map((e) => Date.parse(e.trigger.tick)).sort((a, b) => a - b);
    await waitFor(async () => {
      const t = ticks(await executions(p.id));
      return t.length > 0 && t[t.length - 1]! - t[0]! >= 60_000;
    }, { timeoutMs: 90_000, intervalMs: 500, message: () => stack.logs() });
    // Stop the schedule, then look at every tick it produced.
    await save({ ...p, triggers: [{ ...p.triggers[0], enabled: false }] });
    const list = await executions(p.id);
    const t = ticks(list);
    expect(new Set(t).size, 'one execution per tick').toBe(t.length);
    for (const tick of t) expect(tick % 3000).toBe(0);
    // Ticks follow each other on the 3 s grid. A tick picked up after the next one was due skips
    // the ticks in between (misfire: do nothing), which only a starved machine shows: allow 10%.
    const expected = (t[t.length - 1]! - t[0]!) / 3000 + 1;
    expect(t.length).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
    expect(t.length).toBeGreaterThanOrEqual(19);
    expect(list[0].trigger).toMatchObject({ type: 'cron', cronExpression: '*/3 * * * * ?', timeZone: 'Europe/Paris', user: 'cron' });
    await waitFor(async () => (await executions(p.id)).every((e) => e.status === 'SUCCEEDED'), { message: () => stack.logs() });
  });

  it('a deleted pipeline stops ticking', async () => {
    const p = await save({ name: 'short-lived', stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'cron', cronExpression: '* * * * * ?' }] });
    await waitFor(async () => (await executions(p.id)).length >= 2, { timeoutMs: 20_000, message: () => stack.logs() });
    expect((await api().delete(`/api/v1/pipelines/${p.id}`)).status).toBe(204);
    const marker = await save({ name: 'marker', stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ type: 'cron', cronExpression: '* * * * * ?' }] });
    // Once the marker has ticked three times, a tick of the deleted pipeline would have shown too.
    await waitFor(async () => (await executions(marker.id)).length >= 3, { timeoutMs: 20_000 });
    const late = (await api().get('/api/v1/executions?application=sched&limit=500')).body.items.filter((e: any) => e.name === 'short-lived' && Date.parse(e.trigger.tick) > Date.now() - 1500);
    expect(late).toEqual([]);
    await api().delete(`/api/v1/pipelines/${marker.id}`);
  });
});

describe('pipeline triggers', () => {
  it('starts a downstream pipeline once when the upstream ends with a chosen status', async () => {
    const up = await save({ name: 'upstream', stages: [{ refId: '1', type: 'wait', waitTime: 0 }] });
    const fails = await save({ name: 'upstream-fails', stages: [{ refId: '1', type: 'checkPreconditions', preconditions: [{ type: 'expression', context: { expression: 'false' }, failPipeline: true }] }] });
    const onSuccess = await save({
      name: 'downstream',
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
      triggers: [{ type: 'pipeline', enabled: true, application: 'sched', pipeline: up.id, status: ['successful'] }],
    });
    const onFailure = await save({
      name: 'on-failure',
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
      triggers: [{ type: 'pipeline', enabled: true, application: 'sched', pipeline: fails.id, status: ['failed'] }, { type: 'pipeline', enabled: true, application: 'sched', pipeline: up.id, status: ['failed'] }],
    });
    const run = (await api().post(`/api/v1/pipelines/${up.id}/executions`, {})).body.id;
    let lastUpstream: unknown = null;
    const poll = setInterval(() => void api().get(`/api/v1/executions/${run}`).then((r) => (lastUpstream = { status: r.body.status, stages: r.body.stages?.map((x: any) => x.status) })), 1000);
    afterAll(() => clearInterval(poll));
    const child = await waitFor(async () => (await executions(onSuccess.id))[0], {
      timeoutMs: 30_000,
      message: () => `a downstream execution; upstream ${run}: ${JSON.stringify(lastUpstream)}\n${stack.workers.map((w) => w.output.join('').split('\n').filter((l) => /"level":"(warn|error)"|pipeline trigger/.test(l) && !/metrics not served/.test(l)).join('\n')).join('\n')}`,
    });
    expect(child.trigger).toMatchObject({ type: 'pipeline', parentExecution: { id: run, status: 'SUCCEEDED' }, parentPipelineId: up.id });
    const failed = (await api().post(`/api/v1/pipelines/${fails.id}/executions`, {})).body.id;
    const onFail = await waitFor(async () => (await executions(onFailure.id))[0], { timeoutMs: 30_000, message: () => stack.logs() });
    expect(onFail.trigger.parentExecution.id).toBe(failed);
    // A later run of each upstream proves nothing else was pending: still one start per upstream run.
    await api().post(`/api/v1/pipelines/${up.id}/executions`, {});
    await waitFor(async () => (await executions(onSuccess.id)).length === 2, { timeoutMs: 30_000 });
    expect(await executions(onFailure.id)).toHaveLength(1);
  });
});
