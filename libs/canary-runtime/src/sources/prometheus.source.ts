import { errorMessage, InputError, TransientError, type ErrorDetail } from '@gennaker/common';
import {
  buildPromQl,
  MetricQueryError,
  parseQueryRange,
  PrometheusResponseError,
  queryRangeParams,
  validatePrometheusQuery,
  type MetricQueryInput,
  type MetricSeries,
  type MetricSource,
  type QueryValidationContext,
} from '@gennaker/metrics';

/** Where a Prometheus answers: the base URL (`http://prometheus:9090`) and headers (auth). Never logged. */
export interface PrometheusEndpoint {
  url: string;
  headers?: Record<string, string>;
}

export interface PrometheusSourceOptions {
  /** GENNAKER_PROMETHEUS_URL: used when the scope names no Prometheus metrics account. */
  defaultEndpoint: PrometheusEndpoint | null;
  /** Prometheus metrics accounts of the accounts file, by name. */
  accounts?: ReadonlyMap<string, PrometheusEndpoint>;
  /** Scrape interval plus evaluation: how long after a moment its samples are all in. */
  readyDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * PromQL over HTTP (`POST /api/v1/query_range`, form-encoded, so long queries fit): one series per
 * scope, on the scope's step grid. Bad PromQL (Prometheus' `bad_data`) is bad input; an
 * unreachable or failing Prometheus is transient.
 */
export class PrometheusMetricSource implements MetricSource {
  readonly type = 'prometheus';
  readonly readyDelayMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PrometheusSourceOptions) {
    this.readyDelayMs = options.readyDelayMs ?? 15_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  validateQuery(query: Readonly<Record<string, unknown>>, context: QueryValidationContext): ErrorDetail[] {
    return validatePrometheusQuery(query, context);
  }

  private endpoint(account: string | undefined): PrometheusEndpoint {
    const named = account ? this.options.accounts?.get(account) : undefined;
    const endpoint = named ?? this.options.defaultEndpoint;
    if (!endpoint) {
      throw new InputError('no Prometheus is configured: set GENNAKER_PROMETHEUS_URL, or add a prometheus entry to metricsAccounts in the accounts file and name it in metricsAccountName', [
        { pointer: '/type', message: 'no Prometheus configured' },
      ]);
    }
    return endpoint;
  }

  async fetch(input: MetricQueryInput): Promise<MetricSeries> {
    const { scope } = input;
    const promql = buildPromQl(input.query, input.templates, scope);
    const endpoint = this.endpoint(scope.metricsAccount);
    const url = `${endpoint.url.replace(/\/+$/, '')}/api/v1/query_range`;
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 30_000), ...(input.signal ? [input.signal] : [])];
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(endpoint.headers ?? {}) },
        body: new URLSearchParams(queryRangeParams(promql, scope)).toString(),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      throw new TransientError(`Prometheus at ${new URL(url).host} did not answer: ${errorMessage(err)}`, err);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TransientError(`Prometheus answered HTTP ${res.status} with something that is not JSON`);
    }
    try {
      const values = parseQueryRange(body, scope);
      return { values, description: promql };
    } catch (err) {
      if (err instanceof PrometheusResponseError) {
        // bad_data: the query itself is wrong; anything else (timeout, unavailable...) may pass later.
        if (err.errorType === 'bad_data' || res.status === 400 || res.status === 422) {
          throw new MetricQueryError(`${err.message} (query: ${promql})`, input.query['customInlineTemplate'] !== undefined ? '/customInlineTemplate' : '/metricName');
        }
        throw new TransientError(`${err.message} (HTTP ${res.status})`, err);
      }
      throw err;
    }
  }
}
