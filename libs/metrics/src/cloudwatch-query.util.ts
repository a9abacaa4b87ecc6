// The pure half of the CloudWatch source: a metric's query becomes one GetMetricData request per
// scope (templates expanded in dimension values and expressions), and the answer is put on the
// scope's step grid.
//
// A query is `{type: 'cloudwatch', metricStat: {metric: {namespace, metricName, dimensions:
// [{name, value: '${scope}'}]}, stat, unit?}, period?, region?}` or `{type: 'cloudwatch',
// expression: 'SEARCH(...${scope}...)' | metric math, period?, region?}`. `period` (seconds)
// defaults to the scope's step; `region` to the scope's location.

import { isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { MetricScope, QueryValidationContext } from './metric-source.port';
import { MetricQueryError } from './metric-query.error';
import { alignToSteps } from './series.util';
import { expandTemplate, scopeVariables, templateSyntaxErrors, TemplateError } from './template.util';

/** GetMetricData's input, in the SDK's own field names (the adapter passes it through unchanged). */
export interface CloudWatchMetricDataRequest {
  StartTime: Date;
  EndTime: Date;
  ScanBy: 'TimestampAscending';
  MetricDataQueries: CloudWatchMetricDataQuery[];
}

export interface CloudWatchMetricDataQuery {
  Id: string;
  ReturnData: boolean;
  Expression?: string;
  Period?: number;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> };
    Period: number;
    Stat: string;
    Unit?: string;
  };
}

/** The part of a GetMetricData answer the source reads. */
export interface CloudWatchMetricDataResult {
  Id?: string;
  Label?: string;
  Timestamps?: Array<Date | string | number>;
  Values?: number[];
  StatusCode?: string;
  Messages?: Array<{ Code?: string; Value?: string }>;
}

export const CLOUDWATCH_QUERY_ID = 'canary';
/** CloudWatch's StandardUnit values. */
export const CLOUDWATCH_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits',
  'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second',
  'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;
const HIGH_RESOLUTION_PERIODS = [1, 5, 10, 30];

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Problems with a CloudWatch query; pointers relative to the query. */
export function validateCloudWatchQuery(query: Readonly<Record<string, unknown>>, _context: QueryValidationContext): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const metricStat = query['metricStat'];
  const expression = query['expression'];
  if ((metricStat === undefined) === (expression === undefined)) {
    errors.push({ pointer: '/metricStat', message: 'a CloudWatch query needs exactly one of metricStat or expression' });
  }
  if (expression !== undefined) {
    if (str(expression) === undefined) errors.push({ pointer: '/expression', message: 'expression must be a non-empty CloudWatch metric math or SEARCH expression' });
    else errors.push(...templateSyntaxErrors(expression as string, '/expression'));
  }
  if (metricStat !== undefined) {
    if (!isPlainObject(metricStat)) {
      errors.push({ pointer: '/metricStat', message: 'metricStat must be an object {metric, stat, unit?}' });
    } else {
      const metric = metricStat['metric'];
      if (!isPlainObject(metric)) {
        errors.push({ pointer: '/metricStat/metric', message: 'metric {namespace, metricName, dimensions?} is required' });
      } else {
        if (str(metric['namespace']) === undefined) errors.push({ pointer: '/metricStat/metric/namespace', message: 'namespace is required (e.g. AWS/ApplicationELB)' });
        if (str(metric['metricName']) === undefined) errors.push({ pointer: '/metricStat/metric/metricName', message: 'metricName is required' });
        const dimensions = metric['dimensions'];
        if (dimensions !== undefined) {
          if (!Array.isArray(dimensions)) errors.push({ pointer: '/metricStat/metric/dimensions', message: 'dimensions must be a list of {name, value}' });
          else {
            dimensions.forEach((d: unknown, i) => {
              const p = `/metricStat/metric/dimensions/${i}`;
              if (!isPlainObject(d) || str(d['name']) === undefined || typeof d['value'] !== 'string') errors.push({ pointer: p, message: 'a dimension is {name, value} (value may use ${scope}, ${location}...)' });
              else errors.push(...templateSyntaxErrors(d['value'], `${p}/value`));
            });
          }
        }
      }
      if (str(metricStat['stat']) === undefined) errors.push({ pointer: '/metricStat/stat', message: 'stat is required (Average, Sum, p99...)' });
      if (metricStat['unit'] !== undefined && !(CLOUDWATCH_UNITS as readonly unknown[]).includes(metricStat['unit'])) errors.push({ pointer: '/metricStat/unit', message: `unit must be a CloudWatch unit: ${CLOUDWATCH_UNITS.join(', ')}` });
    }
  }
  const period = query['period'];
  if (period !== undefined && !validPeriod(period)) errors.push({ pointer: '/period', message: 'period must be 1, 5, 10, 30 or a multiple of 60 seconds' });
  const region = query['region'];
  if (region !== undefined) {
    if (str(region) === undefined) errors.push({ pointer: '/region', message: 'region must be a region name or a template' });
    else errors.push(...templateSyntaxErrors(region as string, '/region'));
  }
  return errors;
}

function validPeriod(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && (HIGH_RESOLUTION_PERIODS.includes(v) || v % 60 === 0);
}

function expand(template: string, variables: Record<string, string>, field: string): string {
  try {
    return expandTemplate(template, variables);
  } catch (err) {
    if (err instanceof TemplateError) throw new MetricQueryError(err.message, field);
    throw err;
  }
}

/** The period in seconds: the query's, else the scope's step, which must then be a CloudWatch period. */
export function cloudWatchPeriod(query: Readonly<Record<string, unknown>>, scope: MetricScope): number {
  const period = query['period'] ?? scope.stepMs / 1000;
  if (!validPeriod(period)) {
    throw new MetricQueryError(`CloudWatch periods are 1, 5, 10, 30 or a multiple of 60 seconds; the scope's step is ${scope.stepMs / 1000} s: set the query's period or the scope's step`, '/period');
  }
  return period;
}

/** The region to ask: the query's (a template), else the scope's location. */
export function cloudWatchRegion(query: Readonly<Record<string, unknown>>, scope: MetricScope): string {
  const region = str(query['region']);
  return region === undefined ? scope.location : expand(region, scopeVariables(scope), '/region');
}

/** The GetMetricData request of one scope. Throws MetricQueryError (pointer relative to the query). */
export function buildGetMetricData(query: Readonly<Record<string, unknown>>, scope: MetricScope): CloudWatchMetricDataRequest {
  const variables = scopeVariables(scope);
  const period = cloudWatchPeriod(query, scope);
  const expression = str(query['expression']);
  let dataQuery: CloudWatchMetricDataQuery;
  if (expression !== undefined) {
    dataQuery = { Id: CLOUDWATCH_QUERY_ID, ReturnData: true, Expression: expand(expression, variables, '/expression'), Period: period };
  } else {
    const stat = query['metricStat'];
    if (!isPlainObject(stat) || !isPlainObject(stat['metric'])) throw new MetricQueryError('a CloudWatch query needs exactly one of metricStat or expression', '/metricStat');
    const metric = stat['metric'];
    const dimensions = Array.isArray(metric['dimensions']) ? metric['dimensions'] : [];
    dataQuery = {
      Id: CLOUDWATCH_QUERY_ID,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: String(metric['namespace']),
          MetricName: String(metric['metricName']),
          Dimensions: dimensions.filter(isPlainObject).map((d, i) => ({ Name: String(d['name']), Value: expand(String(d['value']), variables, `/metricStat/metric/dimensions/${i}/value`) })),
        },
        Period: period,
        Stat: String(stat['stat']),
        ...(str(stat['unit']) !== undefined ? { Unit: str(stat['unit']) as string } : {}),
      },
    };
  }
  return { StartTime: new Date(scope.start), EndTime: new Date(scope.end), ScanBy: 'TimestampAscending', MetricDataQueries: [dataQuery] };
}

/** A readable form of the request, for the canary report. */
export function describeGetMetricData(request: CloudWatchMetricDataRequest, region: string): string {
  const q = request.MetricDataQueries[0];
  if (!q) return '';
  if (q.Expression !== undefined) return `${region}: ${q.Expression} (period ${q.Period ?? '?'} s)`;
  const s = q.MetricStat;
  if (!s) return region;
  const dims = (s.Metric.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',');
  return `${region}: ${s.Metric.Namespace} ${s.Metric.MetricName}{${dims}} ${s.Stat}${s.Unit ? ` (${s.Unit})` : ''} every ${s.Period} s`;
}

/** The values of the canary query from every page of answers, one per step. */
export function alignGetMetricData(results: readonly CloudWatchMetricDataResult[], scope: MetricScope, stepMs: number): number[] {
  const points: Array<[number, number]> = [];
  for (const r of results) {
    if (r.Id !== undefined && r.Id !== CLOUDWATCH_QUERY_ID) continue;
    const times = r.Timestamps ?? [];
    const values = r.Values ?? [];
    times.forEach((t, i) => {
      const at = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
      const v = values[i];
      if (Number.isFinite(at) && typeof v === 'number') points.push([at, v]);
    });
  }
  return alignToSteps(points, scope.start, scope.end, stepMs);
}
