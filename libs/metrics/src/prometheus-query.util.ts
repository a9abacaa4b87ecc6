// The pure half of the Prometheus source: the PromQL of a metric's query (templates expanded),
// the `/api/v1/query_range` parameters of a scope, and the answer put on the scope's step grid.
//
// A query is `{type: 'prometheus', customInlineTemplate: 'PromQL with ${scope}...'}` (Kayenta's
// `PromQL:` prefix is accepted), or `{type: 'prometheus', metricName, customFilterTemplate?,
// customFilter?, scopeLabel?, locationLabel?, aggregation?}`, which becomes
// `aggregation(metricName{filter})` with the filter `scopeLabel="${scope}",locationLabel="${location}"`
// unless a filter is given.

import { isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { MetricScope, QueryValidationContext } from './metric-source.port';
import { MetricQueryError } from './metric-query.error';
import { alignToSteps, stepCount } from './series.util';
import { expandTemplate, scopeVariables, templateSyntaxErrors, TemplateError } from './template.util';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const PROMETHEUS_AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'count'] as const;
const PROMQL_PREFIX = /^\s*PromQL:\s*/;
const DEFAULT_SCOPE_LABEL = 'server_group';
const DEFAULT_LOCATION_LABEL = 'region';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Problems with a Prometheus query; pointers relative to the query. */
export function validatePrometheusQuery(query: Readonly<Record<string, unknown>>, context: QueryValidationContext): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const inline = query['customInlineTemplate'];
  const metricName = query['metricName'];
  if (inline !== undefined && typeof inline !== 'string') errors.push({ pointer: '/customInlineTemplate', message: 'customInlineTemplate must be a PromQL string' });
  if (metricName !== undefined && (typeof metricName !== 'string' || !METRIC_NAME.test(metricName))) {
    errors.push({ pointer: '/metricName', message: `metricName must be a Prometheus metric name; got ${JSON.stringify(metricName)}` });
  }
  if (str(inline) === undefined && metricName === undefined) {
    errors.push({ pointer: '/customInlineTemplate', message: 'a Prometheus query needs customInlineTemplate (PromQL) or metricName' });
  }
  if (typeof inline === 'string') errors.push(...templateSyntaxErrors(inline.replace(PROMQL_PREFIX, ''), '/customInlineTemplate'));
  const filterTemplate = query['customFilterTemplate'];
  if (filterTemplate !== undefined) {
    if (typeof filterTemplate !== 'string' || filterTemplate === '') errors.push({ pointer: '/customFilterTemplate', message: 'customFilterTemplate must name one of the config\'s templates' });
    else if (typeof context.templates[filterTemplate] !== 'string') errors.push({ pointer: '/customFilterTemplate', message: `no template named ${JSON.stringify(filterTemplate)} in /templates` });
    else errors.push(...templateSyntaxErrors(context.templates[filterTemplate] as string, '/customFilterTemplate'));
  }
  const customFilter = query['customFilter'];
  if (customFilter !== undefined) {
    if (typeof customFilter !== 'string') errors.push({ pointer: '/customFilter', message: 'customFilter must be a string of PromQL label matchers' });
    else errors.push(...templateSyntaxErrors(customFilter, '/customFilter'));
  }
  for (const field of ['scopeLabel', 'locationLabel'] as const) {
    const v = query[field];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !LABEL_NAME.test(v))) errors.push({ pointer: `/${field}`, message: `${field} must be a label name (or null to leave it out)` });
  }
  const aggregation = query['aggregation'];
  if (aggregation !== undefined && !(PROMETHEUS_AGGREGATIONS as readonly unknown[]).includes(aggregation)) {
    errors.push({ pointer: '/aggregation', message: `aggregation must be one of ${PROMETHEUS_AGGREGATIONS.join(', ')}` });
  }
  return errors;
}

function expand(template: string, variables: Record<string, string>, field: string): string {
  try {
    return expandTemplate(template, variables);
  } catch (err) {
    if (err instanceof TemplateError) throw new MetricQueryError(err.message, `/${field}`);
    throw err;
  }
}

/** The PromQL for one scope. Throws MetricQueryError (pointer relative to the query). */
export function buildPromQl(query: Readonly<Record<string, unknown>>, templates: Readonly<Record<string, string>>, scope: MetricScope): string {
  const variables = scopeVariables(scope);
  const inline = str(query['customInlineTemplate']);
  if (inline !== undefined) return expand(inline.replace(PROMQL_PREFIX, ''), variables, 'customInlineTemplate').trim();
  const metricName = str(query['metricName']);
  if (metricName === undefined) throw new MetricQueryError('a Prometheus query needs customInlineTemplate (PromQL) or metricName', '/customInlineTemplate');
  let filter: string;
  const templateName = str(query['customFilterTemplate']);
  const customFilter = str(query['customFilter']);
  if (templateName !== undefined) {
    const template = templates[templateName];
    if (template === undefined) throw new MetricQueryError(`no template named ${JSON.stringify(templateName)} in /templates`, '/customFilterTemplate');
    filter = expand(template, variables, 'customFilterTemplate');
  } else if (customFilter !== undefined) {
    filter = expand(customFilter, variables, 'customFilter');
  } else {
    const scopeLabel = query['scopeLabel'] === null ? null : (str(query['scopeLabel']) ?? DEFAULT_SCOPE_LABEL);
    const locationLabel = query['locationLabel'] === null ? null : (str(query['locationLabel']) ?? DEFAULT_LOCATION_LABEL);
    filter = [
      ...(scopeLabel ? [`${scopeLabel}="${escapeLabelValue(scope.scope)}"`] : []),
      ...(locationLabel ? [`${locationLabel}="${escapeLabelValue(scope.location)}"`] : []),
    ].join(',');
  }
  const selector = `${metricName}{${filter.replace(/^\s*\{|\}\s*$/g, '')}}`;
  const aggregation = str(query['aggregation']);
  return aggregation ? `${aggregation}(${selector})` : selector;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * `/api/v1/query_range` parameters for `[start, end)`: Prometheus includes both ends, so the last
 * point asked is the start of the last step.
 */
export function queryRangeParams(promql: string, scope: MetricScope): Record<string, string> {
  const n = Math.max(1, stepCount(scope.start, scope.end, scope.stepMs));
  const last = scope.start + (n - 1) * scope.stepMs;
  return {
    query: promql,
    start: (scope.start / 1000).toFixed(3),
    end: (last / 1000).toFixed(3),
    step: `${scope.stepMs / 1000}`,
  };
}

/** A Prometheus answer that is not a usable matrix (an error status, or an odd shape). */
export class PrometheusResponseError extends Error {
  override readonly name = 'PrometheusResponseError';
  constructor(
    message: string,
    /** Prometheus' errorType: `bad_data` means the query is wrong, others are outages. */
    readonly errorType: string | null,
  ) {
    super(message);
  }
}

function sampleValue(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return Number.NaN;
  // Prometheus writes NaN, +Inf and -Inf as strings; non-finite values count as no data.
  const v = Number(raw);
  return Number.isFinite(v) ? v : Number.NaN;
}

function labelsOf(metric: unknown): string {
  if (!isPlainObject(metric)) return '{}';
  return `{${Object.entries(metric).map(([k, v]) => `${k}="${String(v)}"`).join(', ')}}`;
}

/**
 * One value per step from a `query_range` answer. No series is no data (all NaN); a vector or
 * scalar result is refused (a range query always answers a matrix); more than one series is
 * refused too, since a canary compares one series per side: aggregate them in the query.
 */
export function parseQueryRange(body: unknown, scope: MetricScope): number[] {
  if (!isPlainObject(body)) throw new PrometheusResponseError('Prometheus answered something that is not JSON object', null);
  if (body['status'] !== 'success') {
    const errorType = typeof body['errorType'] === 'string' ? body['errorType'] : null;
    throw new PrometheusResponseError(`Prometheus: ${String(body['error'] ?? 'query failed')}`, errorType);
  }
  const data = body['data'];
  if (!isPlainObject(data) || data['resultType'] !== 'matrix' || !Array.isArray(data['result'])) {
    throw new PrometheusResponseError(`Prometheus answered a ${isPlainObject(data) ? String(data['resultType']) : 'malformed'} result, not a matrix`, 'bad_data');
  }
  const series = data['result'];
  if (series.length === 0) return alignToSteps([], scope.start, scope.end, scope.stepMs);
  if (series.length > 1) {
    const shown = series.slice(0, 3).map((s) => labelsOf(isPlainObject(s) ? s['metric'] : undefined));
    throw new MetricQueryError(
      `the query returned ${series.length} series (${shown.join('; ')}${series.length > 3 ? '; ...' : ''}) for ${scope.scope}; a canary compares one series per side: aggregate them (sum, avg...)`,
      '',
    );
  }
  const only = series[0];
  const values = isPlainObject(only) && Array.isArray(only['values']) ? only['values'] : [];
  const points: Array<[number, number]> = [];
  for (const p of values) {
    if (Array.isArray(p) && typeof p[0] === 'number') points.push([p[0] * 1000, sampleValue(p[1])]);
  }
  return alignToSteps(points, scope.start, scope.end, scope.stepMs);
}
