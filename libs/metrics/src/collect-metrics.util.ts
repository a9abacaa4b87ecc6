import type { CanaryConfig } from '@gennaker/canary';
import { InputError, isPlainObject } from '@gennaker/common';
import { MetricQueryError } from './metric-query.error';
import type { MetricScope } from './metric-source.port';
import type { MetricSourceRegistry } from './metric-source.registry';

/** Control and experiment of one scope name, over the same window. */
export interface ScopePair {
  control: MetricScope;
  experiment: MetricScope;
}

export interface CollectedMetric {
  name: string;
  control: number[];
  experiment: number[];
  /** The queries as sent (templates expanded), for the report. */
  queries: { control: string; experiment: string };
}

export interface CollectOptions {
  signal?: AbortSignal;
  /** Queries in flight at once (default 8): a config of 50 metrics must not flood its source. */
  concurrency?: number;
}

/** Runs `tasks` with at most `limit` in flight; rejects with the first failure. */
async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Re-bases a source's input error onto the metric's query in the canary config. */
function rebase(err: unknown, metricIndex: number, configName: string): unknown {
  if (!(err instanceof InputError)) return err;
  const base = `/metrics/${metricIndex}/query`;
  const details = err.details.length > 0 ? err.details : [{ pointer: '', message: err.message }];
  const field = err instanceof MetricQueryError ? err.field : '';
  return new InputError(
    `canary config ${configName}, metric #${metricIndex}${field ? ` (${field.slice(1)})` : ''}: ${err.message}`,
    details.map((d) => ({ pointer: `${base}${d.pointer}`, message: d.message })),
  );
}

/**
 * Fetches every metric of a canary config for control and experiment (each metric in the scope
 * its `scopeName` names, `default` when none). Input errors name the field of the config.
 */
export async function collectMetricData(
  registry: MetricSourceRegistry,
  config: CanaryConfig,
  scopes: Readonly<Record<string, ScopePair>>,
  options: CollectOptions = {},
): Promise<CollectedMetric[]> {
  const templates: Record<string, string> = {};
  if (isPlainObject(config.templates)) for (const [k, v] of Object.entries(config.templates)) if (typeof v === 'string') templates[k] = v;
  const jobs = config.metrics.map((metric, i) => async (): Promise<CollectedMetric> => {
    const scopeName = metric.scopeName ?? 'default';
    const pair = scopes[scopeName];
    if (!pair) {
      throw new InputError(`metric ${metric.name} uses scope ${JSON.stringify(scopeName)}, which the stage does not define (it has ${Object.keys(scopes).join(', ') || 'none'})`, [
        { pointer: `/metrics/${i}/scopeName`, message: `no scope named ${JSON.stringify(scopeName)} in the canary stage` },
      ]);
    }
    const type = metric.query['type'];
    const source = typeof type === 'string' ? registry.get(type) : undefined;
    if (!source) {
      throw new InputError(`metric ${metric.name}: unknown metric source ${JSON.stringify(type)}; known: ${registry.types().join(', ')}`, [
        { pointer: `/metrics/${i}/query/type`, message: `unknown metric source ${JSON.stringify(type)}` },
      ]);
    }
    try {
      const [control, experiment] = await Promise.all([
        source.fetch({ query: metric.query, templates, scope: pair.control, signal: options.signal }),
        source.fetch({ query: metric.query, templates, scope: pair.experiment, signal: options.signal }),
      ]);
      return { name: metric.name, control: control.values, experiment: experiment.values, queries: { control: control.description, experiment: experiment.description } };
    } catch (err) {
      throw rebase(err, i, config.name);
    }
  });
  return pool(jobs, Math.max(1, options.concurrency ?? 8));
}
