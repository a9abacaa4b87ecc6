// npm run bench -- ui
// With 1,000 executions in the database (10 pipelines x 100, plus one run of a 200-stage pipeline):
// the time until the pipelines page and the page of the 200-stage execution are interactive in
// headless Chromium (Debian's), served by apps/web/server.mjs in front of a real api. Target (issue 7):
// <= 1,000 ms each.
//
// "Interactive" = every pipeline's execution bars (resp. every stage's timeline row) are on screen and
// the main thread has answered a click (the start dialog opens, resp. a stage's detail shows). Measured
// from the navigation's start (performance.now() in the page), cold (first visit, empty HTTP cache:
// the JS is fetched) and warm (median of 5 later visits). Also printed: the longest main-thread task
// while loading (Long Tasks API) and the longest frame while scrolling the 200-stage timeline.
import { randomUUID } from 'node:crypto';
import { createExecution, type Execution, type ExecutionStatus } from '@gennaker/engine';
import { createDataSource, ExecutionRepository } from '@gennaker/persistence';
import type { PipelineConfig } from '@gennaker/pipeline';
import { Stack } from '@gennaker/testkit';
import { buildWebIfStale, launchChromium, startWebServer } from '../../../apps/web/e2e/ui-stack';

const PIPELINES = 10;
const BIG_STAGES = 200;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const TARGET_MS = 1000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** A finished execution: every stage run one after another with one task, most SUCCEEDED. */
function finished(config: PipelineConfig, pipelineConfigId: string, start: number, status: ExecutionStatus): Execution {
  const e = createExecution({ id: randomUUID(), type: 'PIPELINE', config, pipelineConfigId, trigger: { type: 'manual', user: 'bench', parameters: {} }, now: start, newId: randomUUID });
  let t = start;
  e.stages.forEach((s, i) => {
    const last = i === e.stages.length - 1;
    s.status = last ? status : 'SUCCEEDED';
    s.startTime = t;
    t += 500 + ((i * 37) % 900);
    s.endTime = t;
    s.tasks = [{ id: randomUUID(), name: s.type, type: s.type, status: s.status, startTime: s.startTime, endTime: s.endTime, attempts: 0, pausedMs: 0, lastError: null }];
    s.outputs = { note: `stage ${s.refId} done` };
    if (s.status === 'TERMINAL') s.error = { message: 'webhook answered 500', source: 'task' } as Execution['stages'][number]['error'];
  });
  e.status = status;
  e.startTime = start;
  e.endTime = t;
  return e;
}

async function seed(stack: Stack): Promise<{ bigExecutionId: string }> {
  const c = stack.client;
  if ((await c.post('/api/v1/applications', { name: 'bench', email: 'bench@example.com' })).status !== 201) throw new Error('cannot create the application');
  const configs: Array<{ id: string; config: PipelineConfig }> = [];
  for (let p = 0; p < PIPELINES; p++) {
    const config: PipelineConfig = {
      application: 'bench',
      name: `service-${p}`,
      parameterConfig: [{ name: 'version', default: '1.0.0' }],
      stages: [
        { refId: '1', type: 'wait', name: 'Bake', waitTime: 1 },
        { refId: '2', type: 'wait', name: 'Deploy test', waitTime: 1, requisiteStageRefIds: ['1'] },
        { refId: '3', type: 'manualJudgment', name: 'Promote?', requisiteStageRefIds: ['2'] },
        { refId: '4', type: 'wait', name: 'Deploy prod', waitTime: 1, requisiteStageRefIds: ['3'] },
        { refId: '5', type: 'wait', name: 'Verify', waitTime: 1, requisiteStageRefIds: ['4'] },
      ],
    };
    const r = await c.post('/api/v1/pipelines', config);
    if (r.status !== 201) throw new Error(`cannot save a pipeline: ${JSON.stringify(r.body)}`);
    configs.push({ id: r.body.id, config });
  }
  // 200 stages: 40 parallel lanes of 5, joined by a last stage (fan-out, fan-in).
  const stages: PipelineConfig['stages'] = [{ refId: '1', type: 'wait', name: 'Start', waitTime: 0 }];
  for (let lane = 0; lane < 40 && stages.length < BIG_STAGES - 1; lane++) {
    let prev = '1';
    for (let k = 0; k < 5 && stages.length < BIG_STAGES - 1; k++) {
      const refId = String(stages.length + 1);
      stages.push({ refId, type: 'wait', name: `Lane ${lane + 1} step ${k + 1}`, waitTime: 0, requisiteStageRefIds: [prev] });
      prev = refId;
    }
  }
  const tails = stages.filter((s) => !stages.some((o) => (o.requisiteStageRefIds ?? []).includes(s.refId))).map((s) => s.refId);
  stages.push({ refId: String(stages.length + 1), type: 'wait', name: 'Join', waitTime: 0, requisiteStageRefIds: tails });
  const bigConfig: PipelineConfig = { application: 'bench', name: 'two-hundred', stages };
  const big = await c.post('/api/v1/pipelines', bigConfig);
  if (big.status !== 201) throw new Error(`cannot save the big pipeline: ${JSON.stringify(big.body)}`);

  const ds = createDataSource({ url: stack.databaseUrl, poolSize: 4 });
  await ds.initialize();
  const repo = new ExecutionRepository(ds);
  const base = Date.now() - 30 * 86_400_000;
  let n = 0;
  const bigExecution = finished(bigConfig, big.body.id, base + 1000, 'SUCCEEDED');
  await ds.transaction((m) => repo.insert(m, bigExecution));
  n++;
  for (let i = 0; n < 1000; i++) {
    const batch: Execution[] = [];
    for (const { id, config } of configs) {
      if (n + batch.length >= 1000) break;
      const status: ExecutionStatus = i % 17 === 3 ? 'TERMINAL' : i % 23 === 5 ? 'CANCELED' : 'SUCCEEDED';
      batch.push(finished(config, id, base + i * 600_000, status));
    }
    await ds.transaction(async (m) => {
      for (const e of batch) await repo.insert(m, e);
    });
    n += batch.length;
  }
  await ds.destroy();
  return { bigExecutionId: bigExecution.id };
}

async function main(): Promise<void> {
  // A production build, as the demo serves it.
  buildWebIfStale();
  const token = `bench-${randomUUID()}`;
  const stack = await Stack.start({ workers: 0, env: { GENNAKER_ADMIN_TOKEN: token } });
  const web = await startWebServer(stack.apiUrl);
  const browser = await launchChromium();
  try {
    console.log('seeding 1,000 executions...');
    const { bigExecutionId } = await seed(stack);
    const listed = await stack.client.get('/api/v1/executions?application=bench&limit=1');
    if (listed.status !== 200 || listed.body.items.length !== 1) throw new Error('executions not listed');

    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Page-side code is given as text: this file is type-checked without the DOM library.
    await page.addInitScript({
      content: `localStorage.setItem('gennaker.token', ${JSON.stringify(token)});
        window.__long = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });`,
    });
    const measured = (): Promise<{ ms: number; longTask: number }> => page.evaluate('({ ms: performance.now(), longTask: Math.max(0, ...window.__long) })');

    const pipelinesPage = async (): Promise<{ ms: number; longTask: number }> => {
      await page.goto('about:blank');
      await page.goto(`${web.url}/applications/bench/pipelines`, { waitUntil: 'commit' });
      await page.waitForFunction(`document.querySelectorAll('.execution-row').length >= ${PIPELINES * 5}`, null, { polling: 'raf', timeout: 30_000 });
      // Interactive: a click is answered (the start dialog opens).
      await page.getByRole('button', { name: 'Start manual execution of service-0' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Run' }).waitFor();
      if (process.env['BENCH_DEBUG']) console.log(await page.evaluate(`JSON.stringify(performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, '').slice(0, 60), Math.round(e.startTime), Math.round(e.responseEnd)]))`));
      return measured();
    };

    const executionPage = async (): Promise<{ ms: number; longTask: number }> => {
      await page.goto('about:blank');
      await page.goto(`${web.url}/executions/${bigExecutionId}`, { waitUntil: 'commit' });
      await page.waitForFunction(`document.querySelectorAll('.timeline-row').length >= ${BIG_STAGES}`, null, { polling: 'raf', timeout: 30_000 });
      await page.locator('[data-testid="timeline-100"]').click();
      await page.locator('#stage-title').getByText('Lane').waitFor();
      if (process.env['BENCH_DEBUG']) console.log(await page.evaluate(`JSON.stringify(performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd)]).concat(performance.getEntriesByType('navigation').map((e) => ['nav', Math.round(e.domContentLoadedEventEnd), Math.round(e.loadEventEnd)])))`));
      return measured();
    };

    /** The graph of 200 nodes: time from the click on "Graph" to the graph drawn and fitted (React Flow loaded on demand). */
    const graphView = async (): Promise<number> => {
      const now = (): Promise<number> => page.evaluate('performance.now()');
      const t0 = await now();
      await page.getByRole('button', { name: 'Graph', exact: true }).click();
      await page.waitForFunction(`document.querySelectorAll('.react-flow__node').length >= 1 && (document.querySelector('.react-flow__viewport')?.getAttribute('style') ?? '').includes('scale')`, null, { polling: 'raf' });
      return (await now()) - t0;
    };

    /** Longest frame while scrolling the 200-row timeline. */
    const scrollJank = async (): Promise<number> => {
      await page.getByRole('button', { name: 'Timeline', exact: true }).click();
      return page.evaluate(`(async () => {
        const el = document.querySelector('.timeline');
        let last = performance.now();
        let worst = 0;
        for (let i = 0; i < 60; i++) {
          el.scrollTop += 80;
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          worst = Math.max(worst, now - last);
          last = now;
        }
        return worst;
      })()`);
    };

    const coldPipelines = await pipelinesPage();
    const coldExecution = await executionPage();
    const warmP: number[] = [];
    const warmE: number[] = [];
    let longP = coldPipelines.longTask;
    let longE = coldExecution.longTask;
    for (let i = 0; i < RUNS; i++) {
      const p = await pipelinesPage();
      warmP.push(p.ms);
      longP = Math.max(longP, p.longTask);
      const e = await executionPage();
      warmE.push(e.ms);
      longE = Math.max(longE, e.longTask);
    }
    const graphMs = await graphView();
    const worstFrameMs = await scrollJank();
    const result = {
      bench: 'ui',
      executions: 1000,
      stages: BIG_STAGES,
      pipelinesPageColdMs: Math.round(coldPipelines.ms),
      pipelinesPageMs: Math.round(median(warmP)),
      executionPageColdMs: Math.round(coldExecution.ms),
      executionPageMs: Math.round(median(warmE)),
      executionGraphViewMs: Math.round(graphMs),
      longestTaskPipelinesMs: Math.round(longP),
      longestTaskExecutionMs: Math.round(longE),
      worstScrollFrameMs: Math.round(worstFrameMs),
      targetMs: TARGET_MS,
      pass: Math.max(coldPipelines.ms, coldExecution.ms, median(warmP), median(warmE)) <= TARGET_MS,
    };
    console.log(`pipelines page: cold ${result.pipelinesPageColdMs} ms, warm median ${result.pipelinesPageMs} ms (target <= ${TARGET_MS})`);
    console.log(`200-stage execution page: cold ${result.executionPageColdMs} ms, warm median ${result.executionPageMs} ms; graph view ${result.executionGraphViewMs} ms`);
    console.log(`longest task while loading: ${result.longestTaskPipelinesMs} / ${result.longestTaskExecutionMs} ms; worst frame scrolling the timeline: ${result.worstScrollFrameMs} ms`);
    console.log(JSON.stringify(result));
    if (!result.pass) process.exitCode = 1;
  } finally {
    await browser.close();
    web.proc.kill('SIGTERM');
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
