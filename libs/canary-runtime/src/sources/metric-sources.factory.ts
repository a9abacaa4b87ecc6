import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { AwsClientFactory, parseAwsAccounts } from '@gennaker/cloud-aws';
import { InputError } from '@gennaker/common';
import { MetricSourceRegistry, MetricQueryError, type MetricSource } from '@gennaker/metrics';
import type { CanarySettings, PrometheusAccount } from '../canary-settings';
import { CloudWatchMetricSource, type CloudWatchClientResolver, type CloudWatchSender } from './cloudwatch.source';
import { LocalMetricSource, type LocalMetricsPort } from './local.source';
import { PrometheusMetricSource, type PrometheusEndpoint } from './prometheus.source';

/**
 * CloudWatch clients: a named metrics account or aws cloud account gets the AWS provider's client
 * factory (its endpoint, assume-role, token bucket and retries); without a name, the only aws
 * account if there is exactly one, else the process's default credentials (and AWS_ENDPOINT_URL).
 */
export function cloudWatchResolver(settings: CanarySettings, env: NodeJS.ProcessEnv = process.env): CloudWatchClientResolver {
  const cloudWatchAccounts = settings.metricsAccounts.flatMap((a) => (a.type === 'cloudwatch' ? [a] : []));
  const entries = [...settings.awsAccounts, ...cloudWatchAccounts.map((a) => a.aws)];
  const pointers = [...settings.awsAccounts.map((a) => `/accounts (aws account ${String(a['name'])})`), ...cloudWatchAccounts.map((a) => `/metricsAccounts (${a.name})`)];
  const factory = entries.length > 0 ? new AwsClientFactory(parseAwsAccounts(entries, pointers)) : null;
  const names = new Set(factory?.accounts().map((a) => a.name) ?? []);
  const defaults = new Map<string, CloudWatchClient>();
  const endpoint = env['AWS_ENDPOINT_URL_CLOUDWATCH'] || env['AWS_ENDPOINT_URL'] || undefined;
  return (metricsAccount, region): CloudWatchSender => {
    const account = metricsAccount && names.has(metricsAccount) ? metricsAccount : names.size === 1 ? [...names][0] : undefined;
    if (factory && account) {
      try {
        return factory.clients(account, region).cloudWatch;
      } catch (err) {
        if (err instanceof InputError) throw new MetricQueryError(err.message, '/region');
        throw err;
      }
    }
    let client = defaults.get(region);
    if (!client) {
      // AWS-compatible endpoints (moto) often speak only CloudWatch's Query protocol, as the provider's factory knows.
      client = new CloudWatchClient({ region, ...(endpoint ? { endpoint, protocol: AwsQueryProtocol as never } : {}) });
      defaults.set(region, client);
    }
    return client;
  };
}

/** Every metric source of this installation: Prometheus, CloudWatch, and the local provider's. */
export function buildMetricSources(settings: CanarySettings, deps: { localMetrics: LocalMetricsPort | null; cloudWatch?: CloudWatchClientResolver }): MetricSourceRegistry {
  const prometheusAccounts = new Map<string, PrometheusEndpoint>(
    settings.metricsAccounts.filter((a): a is PrometheusAccount => a.type === 'prometheus').map((a) => [a.name, { url: a.url, headers: a.headers }]),
  );
  const sources: MetricSource[] = [
    new PrometheusMetricSource({ defaultEndpoint: settings.prometheusUrl ? { url: settings.prometheusUrl } : null, accounts: prometheusAccounts, readyDelayMs: settings.prometheusReadyDelayMs }),
    new CloudWatchMetricSource(deps.cloudWatch ?? cloudWatchResolver(settings), { readyDelayMs: settings.cloudWatchReadyDelayMs }),
  ];
  if (deps.localMetrics) sources.push(new LocalMetricSource(deps.localMetrics, settings.localReadyDelayMs));
  return new MetricSourceRegistry(sources);
}
