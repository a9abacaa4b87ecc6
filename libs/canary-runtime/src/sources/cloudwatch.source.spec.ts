// The CloudWatch source against a mocked CloudWatch client (aws-sdk-client-mock): the shared
// conformance suite, pagination, error classes, and which client (account, region) it asks.
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { InputError, TransientError } from '@gennaker/common';
import { metricSourceSuite } from '@gennaker/metrics/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanarySettings } from '../canary-settings';
import { CloudWatchMetricSource } from './cloudwatch.source';
import { cloudWatchResolver } from './metric-sources.factory';

const cw = mockClient(CloudWatchClient);
afterAll(() => cw.restore());

const START = Date.UTC(2026, 0, 1, 10, 0, 0);
const LEVELS: Record<string, number> = { 'hello-canary-v002': 20, 'hello-baseline-v001': 5 };

/** A CloudWatch that answers GetMetricData from LEVELS, two datapoints per page. */
function answerFromLevels(): void {
  cw.reset();
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const q = input.MetricDataQueries?.[0];
    const scope = q?.MetricStat?.Metric?.Dimensions?.[0]?.Value ?? '';
    const period = (q?.MetricStat?.Period ?? 60) * 1000;
    const level = LEVELS[scope];
    const times: Date[] = [];
    const values: number[] = [];
    if (level !== undefined) {
      for (let t = (input.StartTime as Date).getTime(); t < (input.EndTime as Date).getTime(); t += period) {
        times.push(new Date(t));
        values.push(level + ((t / period) % 2 === 0 ? 0.25 : -0.25));
      }
    }
    const page = Number(input.NextToken ?? 0);
    const slice = [page * 2, page * 2 + 2] as const;
    const more = values.length > slice[1];
    return Promise.resolve({
      MetricDataResults: [{ Id: q?.Id, Label: 'x', Timestamps: times.slice(...slice), Values: values.slice(...slice), StatusCode: more ? 'PartialData' : 'Complete' }],
      ...(more ? { NextToken: String(page + 1) } : {}),
      $metadata: {},
    });
  });
}

const settings = (over: Partial<CanarySettings> = {}): CanarySettings => ({
  prometheusUrl: null,
  prometheusReadyDelayMs: 0,
  cloudWatchReadyDelayMs: 0,
  localReadyDelayMs: 0,
  metricsAccounts: [],
  awsAccounts: [],
  ...over,
});

const query = { type: 'cloudwatch', metricStat: { metric: { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: [{ name: 'AutoScalingGroupName', value: '${scope}' }] }, stat: 'Average' } };

metricSourceSuite('CloudWatch (client mock)', async () => {
  answerFromLevels();
  return {
    source: new CloudWatchMetricSource(cloudWatchResolver(settings(), { env: {} }), { readyDelayMs: 60_000 }),
    query,
    window: { start: START, end: START + 10 * 60_000, stepMs: 60_000 },
    scopes: { high: { scope: 'hello-canary-v002', location: 'us-east-1' }, low: { scope: 'hello-baseline-v001', location: 'us-east-1' }, empty: { scope: 'hello-none-v003', location: 'us-east-1' } },
    expected: { high: 20, low: 5, tolerance: 0.3 },
    badQuery: { query: { type: 'cloudwatch', metricStat: { metric: { namespace: 'AWS/EC2' }, stat: 'Average' } }, pointer: '/metricStat/metric/metricName' },
  };
});

describe('CloudWatch source', () => {
  beforeEach(() => answerFromLevels());
  const scope = { scopeName: 'default', scope: 'hello-canary-v002', location: 'eu-west-1', start: START, end: START + 10 * 60_000, stepMs: 60_000, extendedScopeParams: {} };

  it('follows NextToken through every page and asks for the scope, window and period', async () => {
    const source = new CloudWatchMetricSource(cloudWatchResolver(settings(), { env: {} }));
    const r = await source.fetch({ query, templates: {}, scope });
    expect(r.values).toHaveLength(10);
    expect(r.values.every(Number.isFinite)).toBe(true);
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(5);
    expect(calls[0]!.args[0].input).toMatchObject({ StartTime: new Date(START), EndTime: new Date(START + 600_000), ScanBy: 'TimestampAscending', MetricDataQueries: [{ Id: 'canary', MetricStat: { Period: 60, Stat: 'Average' } }] });
    expect(calls[1]!.args[0].input.NextToken).toBe('1');
    expect(r.description).toContain('eu-west-1: AWS/ApplicationELB TargetResponseTime{AutoScalingGroupName=hello-canary-v002} Average every 60 s');
  });

  it('sorts its errors: a refused query is bad input naming the field, throttling transient, access denied said plainly', async () => {
    const source = new CloudWatchMetricSource(cloudWatchResolver(settings(), { env: {} }));
    const fail = (name: string, status: number) => {
      cw.reset();
      cw.on(GetMetricDataCommand).rejects(Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } }));
    };
    fail('InvalidParameterValueException', 400);
    const bad = await source.fetch({ query, templates: {}, scope }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).details[0]?.pointer).toBe('/metricStat');
    fail('Throttling', 400);
    await expect(source.fetch({ query, templates: {}, scope })).rejects.toBeInstanceOf(TransientError);
    fail('Throttling', 429);
    await expect(source.fetch({ query, templates: {}, scope })).rejects.toBeInstanceOf(TransientError);
    fail('InternalServiceError', 500);
    await expect(source.fetch({ query, templates: {}, scope })).rejects.toBeInstanceOf(TransientError);
    fail('AccessDenied', 403);
    await expect(source.fetch({ query, templates: {}, scope })).rejects.toThrow(/cloudwatch:GetMetricData/);
  });

  it('asks the region of the scope, or of the query, through the named metrics account\'s client', async () => {
    const resolver = cloudWatchResolver(settings({ metricsAccounts: [{ name: 'metrics', type: 'cloudwatch', aws: { name: 'metrics', provider: 'aws', regions: ['eu-west-1', 'us-east-1'], endpoint: 'http://127.0.0.1:1' } }] }), { env: {} });
    const client = resolver('metrics', 'eu-west-1') as CloudWatchClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect(resolver('metrics', 'eu-west-1')).toBe(client);
    // The only aws account serves a canary that names none (or names its cloud account, e.g. local).
    expect(resolver(undefined, 'us-east-1')).toBe(resolver('local', 'us-east-1'));
    expect(() => resolver('metrics', 'ap-south-1')).toThrow(/region "ap-south-1" is not configured/);
    const source = new CloudWatchMetricSource(resolver);
    await source.fetch({ query: { ...query, region: 'us-east-1' }, templates: {}, scope: { ...scope, metricsAccount: 'metrics' } });
    expect(cw.commandCalls(GetMetricDataCommand)).not.toHaveLength(0);
  });

  it('uses the default credentials and AWS_ENDPOINT_URL without metrics accounts', async () => {
    const resolver = cloudWatchResolver(settings(), { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5055' } });
    const client = resolver(undefined, 'us-west-2') as CloudWatchClient;
    expect(await client.config.region()).toBe('us-west-2');
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
  });
});
