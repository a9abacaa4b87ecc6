// The CloudWatch source against moto_server (an AWS-compatible endpoint): datapoints put with
// PutMetricData for three server groups, read back through GetMetricData by the shared
// conformance suite. Runs when AWS_ENDPOINT_URL is set, e.g.
//   python3 -m moto.server -H 127.0.0.1 -p 5055 &
//   AWS_ENDPOINT_URL=http://127.0.0.1:5055 npx vitest run --project int libs/canary-runtime/src/sources/cloudwatch
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { AWS_TEST_ENDPOINT, ensureFakeCredentials } from '@gennaker/cloud-aws/testing';
import { metricSourceSuite } from '@gennaker/metrics/testing';
import { CloudWatchMetricSource } from './cloudwatch.source';
import { cloudWatchResolver } from './metric-sources.factory';

if (!AWS_TEST_ENDPOINT) console.log('[canary-runtime] CloudWatch moto_server suite skipped: set AWS_ENDPOINT_URL (e.g. http://127.0.0.1:5055) with moto_server running');

const REGION = 'us-east-1';
// A run id keeps this run's datapoints apart from earlier runs on the same moto_server.
const RUN = `r${Date.now().toString(36)}`;
const HIGH = `hello-${RUN}-canary-v002`;
const LOW = `hello-${RUN}-baseline-v001`;
const EMPTY = `hello-${RUN}-none-v003`;
const NAMESPACE = 'Gennaker/CanaryTest';

metricSourceSuite('CloudWatch (moto_server)', async () => {
  if (!AWS_TEST_ENDPOINT) return null;
  ensureFakeCredentials();
  const client = new CloudWatchClient({ region: REGION, endpoint: AWS_TEST_ENDPOINT, protocol: AwsQueryProtocol as never });
  // Ten whole minutes that ended a while ago: one datapoint per minute and server group.
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const start = end - 10 * 60_000;
  for (const [scope, level] of [
    [HIGH, 20],
    [LOW, 5],
  ] as const) {
    const data = Array.from({ length: 10 }, (_, i) => ({
      MetricName: 'Latency',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: scope }],
      Timestamp: new Date(start + i * 60_000 + 1000),
      Value: level + (i % 2 === 0 ? 0.25 : -0.25),
      Unit: 'Milliseconds' as const,
    }));
    await client.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: data }));
  }
  client.destroy();
  return {
    source: new CloudWatchMetricSource(cloudWatchResolver({ prometheusUrl: null, prometheusReadyDelayMs: 0, cloudWatchReadyDelayMs: 0, localReadyDelayMs: 0, metricsAccounts: [], awsAccounts: [] }, { env: { AWS_ENDPOINT_URL: AWS_TEST_ENDPOINT } })),
    query: { type: 'cloudwatch', metricStat: { metric: { namespace: NAMESPACE, metricName: 'Latency', dimensions: [{ name: 'AutoScalingGroupName', value: '${scope}' }] }, stat: 'Average' } },
    window: { start, end, stepMs: 60_000 },
    scopes: { high: { scope: HIGH, location: REGION }, low: { scope: LOW, location: REGION }, empty: { scope: EMPTY, location: REGION } },
    expected: { high: 20, low: 5, tolerance: 0.3 },
    badQuery: { query: { type: 'cloudwatch', expression: '' }, pointer: '/expression' },
  };
});
