import { GetMetricDataCommand, type GetMetricDataCommandInput, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { errorMessage, InputError, TransientError, type ErrorDetail } from '@gennaker/common';
import {
  alignGetMetricData,
  buildGetMetricData,
  cloudWatchRegion,
  describeGetMetricData,
  MetricQueryError,
  validateCloudWatchQuery,
  type CloudWatchMetricDataResult,
  type MetricQueryInput,
  type MetricSeries,
  type MetricSource,
  type QueryValidationContext,
} from '@gennaker/metrics';

/** The one call the source makes (a CloudWatchClient, or a mock of one). */
export interface CloudWatchSender {
  send(command: GetMetricDataCommand, options?: { abortSignal?: AbortSignal }): Promise<GetMetricDataCommandOutput>;
}

/** The client for a metrics account (or the default when none is named) in a region. */
export type CloudWatchClientResolver = (metricsAccount: string | undefined, region: string) => CloudWatchSender;

export interface CloudWatchSourceOptions {
  /** CloudWatch publishes a minute's datapoints a minute or two later. */
  readyDelayMs?: number;
  /** Pages of GetMetricData at most (each up to 100,800 datapoints). */
  maxPages?: number;
}

function httpStatus(err: unknown): number | undefined {
  const m = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof m?.httpStatusCode === 'number' ? m.httpStatusCode : undefined;
}

function errorName(err: unknown): string {
  return (err as { name?: string } | null)?.name ?? 'Error';
}

const BAD_REQUEST_NAMES = new Set(['InvalidParameterValueException', 'InvalidParameterCombinationException', 'MissingRequiredParameterException', 'ValidationError', 'InvalidNextToken']);
// CloudWatch answers throttling with HTTP 400 (Query protocol): a 4xx is not always bad input.
const THROTTLING_NAMES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequestsException', 'LimitExceededException', 'RequestThrottled']);

/**
 * CloudWatch GetMetricData (a metric stat or a metric math / SEARCH expression), every page, on the
 * scope's grid. Credentials and endpoints come from the resolver (the AWS provider's client factory
 * for cloud accounts, or a metrics account of the accounts file); they are never logged.
 */
export class CloudWatchMetricSource implements MetricSource {
  readonly type = 'cloudwatch';
  readonly readyDelayMs: number;

  constructor(
    private readonly clients: CloudWatchClientResolver,
    private readonly options: CloudWatchSourceOptions = {},
  ) {
    this.readyDelayMs = options.readyDelayMs ?? 120_000;
  }

  validateQuery(query: Readonly<Record<string, unknown>>, context: QueryValidationContext): ErrorDetail[] {
    return validateCloudWatchQuery(query, context);
  }

  async fetch(input: MetricQueryInput): Promise<MetricSeries> {
    const { scope } = input;
    const region = cloudWatchRegion(input.query, scope);
    if (region === '') throw new MetricQueryError('CloudWatch needs a region: set the scope\'s location or the query\'s region', '/region');
    const request = buildGetMetricData(input.query, scope);
    const period = request.MetricDataQueries[0]?.MetricStat?.Period ?? request.MetricDataQueries[0]?.Period ?? scope.stepMs / 1000;
    const client = this.clients(scope.metricsAccount, region);
    const results: CloudWatchMetricDataResult[] = [];
    let nextToken: string | undefined;
    const maxPages = this.options.maxPages ?? 20;
    for (let page = 0; page < maxPages; page++) {
      let out: GetMetricDataCommandOutput;
      try {
        // validateQuery checked the unit against CloudWatch's StandardUnit list.
        const command: GetMetricDataCommandInput = { ...request, MetricDataQueries: request.MetricDataQueries as GetMetricDataCommandInput['MetricDataQueries'], ...(nextToken ? { NextToken: nextToken } : {}) };
        out = await client.send(new GetMetricDataCommand(command), input.signal ? { abortSignal: input.signal } : undefined);
      } catch (err) {
        const status = httpStatus(err);
        if (THROTTLING_NAMES.has(errorName(err))) throw new TransientError(`CloudWatch throttled GetMetricData in ${region}: ${errorMessage(err)}`, err);
        if (BAD_REQUEST_NAMES.has(errorName(err)) || (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 403)) {
          throw new MetricQueryError(`CloudWatch refused the query: ${errorName(err)}: ${errorMessage(err)}`, input.query['expression'] !== undefined ? '/expression' : '/metricStat');
        }
        if (status === 403 || errorName(err) === 'AccessDenied' || errorName(err) === 'AccessDeniedException') {
          throw new InputError(`CloudWatch denied GetMetricData in ${region}: the account's credentials need cloudwatch:GetMetricData`, [{ pointer: '/type', message: 'access denied' }]);
        }
        throw new TransientError(`CloudWatch GetMetricData in ${region} failed: ${errorName(err)}: ${errorMessage(err)}`, err);
      }
      results.push(...((out.MetricDataResults ?? []) as CloudWatchMetricDataResult[]));
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return { values: alignGetMetricData(results, scope, period * 1000), description: describeGetMetricData(request, region) };
  }
}
