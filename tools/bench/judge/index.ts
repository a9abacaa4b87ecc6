// Benchmark: judging 50 metrics of 1,000 points per side, per run (target <= 50 ms).
// Run: npx tsx tools/bench/judge/index.ts   (the last line is one JSON object for the lead's tooling)
import { judge, type CanaryConfig, type MetricData } from '@gennaker/canary';

const METRICS = 50;
const POINTS = 1000;
const WARMUP_RUNS = 10;
const RUNS = 60;
const TARGET_MS = 50;

// Deterministic pseudo-random data (mulberry32 + Box-Muller), so every run judges the same input.
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

// A mix of what canaries measure: continuous latencies, latencies rounded to 1 ms (ties), sparse
// error counts (heavy ties), CPU-like ratios; some shifted upwards in the experiment.
function series(kind: number, shift: number, normal: () => number, next: () => number): number[] {
  const values: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    switch (kind) {
      case 0:
        values.push(Math.exp(Math.log(120) + shift + 0.3 * normal()));
        break;
      case 1:
        values.push(Math.round(Math.exp(Math.log(80) + shift + 0.25 * normal())));
        break;
      case 2:
        values.push(next() < 0.1 * (1 + shift * 10) ? Math.floor(next() * 4) : 0);
        break;
      default:
        values.push(0.4 + shift + 0.05 * normal());
    }
  }
  return values;
}

const config: CanaryConfig = {
  name: 'bench',
  metrics: Array.from({ length: METRICS }, (_, i) => ({
    name: `metric-${i}`,
    query: { type: 'prometheus', expr: `metric_${i}` },
    groups: [`group-${i % 5}`],
    analysisConfigurations: {
      canary: { direction: i % 3 === 0 ? 'increase' : 'either', critical: i === 0, outliers: { strategy: i % 4 === 0 ? 'remove' : 'keep' } },
    },
  })),
  classifier: { groupWeights: { 'group-0': 20, 'group-1': 20, 'group-2': 20, 'group-3': 20, 'group-4': 20 } },
};

const next = uniform(20240601);
const normal = gaussian(next);
const data: MetricData[] = config.metrics.map((metric, i) => {
  const kind = i % 4;
  const shift = i % 7 === 0 ? 0.05 : 0;
  return { name: metric.name, control: series(kind, 0, normal, next), experiment: series(kind, shift, normal, next) };
});

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

let last = judge(config, data);
for (let i = 0; i < WARMUP_RUNS; i++) last = judge(config, data);
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  last = judge(config, data);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const round = (ms: number): number => Math.round(ms * 100) / 100;
const p50 = round(percentile(times, 50));
const p99 = round(percentile(times, 99));
const mean = round(times.reduce((a, b) => a + b, 0) / times.length);

console.log(`judge: ${METRICS} metrics x ${POINTS} points, ${RUNS} runs after ${WARMUP_RUNS} warm-up runs`);
const labels = new Map<string, number>();
for (const m of last.metrics) labels.set(m.classification, (labels.get(m.classification) ?? 0) + 1);
console.log(`result: score ${last.score}, ${last.classification}; metrics: ${[...labels].map(([label, n]) => `${n} ${label}`).join(', ')}`);
// A metric in Error is judged in microseconds: timings would flatter a broken judge.
if (labels.has('Error')) {
  console.error(last.metrics.filter((m) => m.classification === 'Error').map((m) => `${m.name}: ${m.reason}`).join('\n'));
  process.exitCode = 1;
}
console.log(`per run: p50 ${p50} ms, p99 ${p99} ms, mean ${mean} ms (target <= ${TARGET_MS} ms)`);
console.log(JSON.stringify({ bench: 'judge', metrics: METRICS, points: POINTS, runs: RUNS, p50Ms: p50, p99Ms: p99, meanMs: mean, targetMs: TARGET_MS }));
