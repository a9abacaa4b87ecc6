// @gennaker/metrics: the metric-source port of canary analysis and the pure halves of its adapters.

export type { MetricScope, MetricQueryInput, MetricSeries, MetricSource, QueryValidationContext } from './metric-source.port';
export { MetricQueryError } from './metric-query.error';
export { TEMPLATE_VARIABLES, scopeVariables, parseTemplate, templateSyntaxErrors, expandTemplate, TemplateError, type TemplatePart } from './template.util';
export { stepCount, alignToSteps, finiteValues } from './series.util';
export {
  validatePrometheusQuery,
  buildPromQl,
  escapeLabelValue,
  queryRangeParams,
  parseQueryRange,
  PrometheusResponseError,
  PROMETHEUS_AGGREGATIONS,
} from './prometheus-query.util';
export {
  validateCloudWatchQuery,
  cloudWatchPeriod,
  cloudWatchRegion,
  buildGetMetricData,
  describeGetMetricData,
  alignGetMetricData,
  CLOUDWATCH_QUERY_ID,
  CLOUDWATCH_UNITS,
  type CloudWatchMetricDataRequest,
  type CloudWatchMetricDataQuery,
  type CloudWatchMetricDataResult,
} from './cloudwatch-query.util';
export { MetricSourceRegistry } from './metric-source.registry';
export { collectMetricData, type CollectedMetric, type CollectOptions, type ScopePair } from './collect-metrics.util';
