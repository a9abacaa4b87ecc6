import type { ErrorDetail } from '@gennaker/common';

/**
 * Where and when one side of a canary is measured: Kayenta's scope (`controlScope` /
 * `experimentScope`, usually a server group) and location (a region), over `[start, end)` in
 * steps of `stepMs`.
 */
export interface MetricScope {
  /** The canary config's scope name (`default` unless metrics name another). */
  scopeName: string;
  /** What is measured: a server group name for every built-in source. */
  scope: string;
  /** Where it runs: a region. */
  location: string;
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  stepMs: number;
  /**
   * Which Prometheus, CloudWatch account or local account to ask: the stage's
   * `metricsAccountName`, else the cloud account the scope was deployed in, else the default.
   */
  metricsAccount?: string;
  /** Kayenta's extendedScopeParams: more template variables (`${resourceType}`...). */
  extendedScopeParams: Readonly<Record<string, string>>;
}

export interface MetricQueryInput {
  /** The metric's `query` from the canary config (`{type, ...}`). */
  query: Readonly<Record<string, unknown>>;
  /** The canary config's named `templates` (for `customFilterTemplate`). */
  templates: Readonly<Record<string, string>>;
  scope: MetricScope;
  signal?: AbortSignal;
}

export interface MetricSeries {
  /** One value per step from `start`; NaN where the source had no data. */
  values: number[];
  /** The query as it was sent, templates expanded (shown in the canary report). */
  description: string;
}

/** What a source needs to check a query at config time. */
export interface QueryValidationContext {
  templates: Readonly<Record<string, unknown>>;
}

/**
 * A metric source (after Kayenta's MetricsService and Argo Rollouts' metric providers): one
 * implementation per `query.type`. `fetch` is a pure read; retrying it is always safe.
 * Errors: an InputError for a query the source cannot run (never retried), a TransientError (or
 * any other error) for an outage (retried by the engine).
 */
export interface MetricSource {
  readonly type: string;
  /** How long after a moment its data is complete (scrape interval, flush, CloudWatch's lag). */
  readonly readyDelayMs: number;
  /** Problems with one metric's query; pointers relative to the query object. */
  validateQuery(query: Readonly<Record<string, unknown>>, context: QueryValidationContext): ErrorDetail[];
  fetch(input: MetricQueryInput): Promise<MetricSeries>;
}
