// A metric source in memory for unit specs: values come from a function of scope, metric and
// time, so a spec decides what control and experiment look like. TEST ONLY.
import type { ErrorDetail } from '@gennaker/common';
import type { MetricQueryInput, MetricSeries, MetricSource } from '../metric-source.port';

export type ValueFunction = (input: { scope: string; location: string; metric: string; t: number; stepMs: number }) => number;

export class InMemoryMetricSource implements MetricSource {
  readonly calls: MetricQueryInput[] = [];
  /** Fail the next fetch with this error (an outage, a bad query). */
  failNext: Error | null = null;

  constructor(
    readonly type: string,
    private values: ValueFunction,
    readonly readyDelayMs = 0,
  ) {}

  setValues(values: ValueFunction): void {
    this.values = values;
  }

  validateQuery(query: Readonly<Record<string, unknown>>): ErrorDetail[] {
    return typeof query['metric'] === 'string' && query['metric'] !== '' ? [] : [{ pointer: '/metric', message: 'metric is required' }];
  }

  async fetch(input: MetricQueryInput): Promise<MetricSeries> {
    this.calls.push(input);
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    const { scope } = input;
    const metric = String(input.query['metric']);
    const values: number[] = [];
    for (let t = scope.start; t < scope.end; t += scope.stepMs) values.push(this.values({ scope: scope.scope, location: scope.location, metric, t, stepMs: scope.stepMs }));
    return { values, description: `${metric}{scope=${scope.scope},location=${scope.location}}` };
  }
}
