import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import type { CloudProvider } from '@gennaker/cloud';
import { AwsClientFactory, AwsProvider, parseAwsAccounts } from '@gennaker/cloud-aws';
import { InputError } from '@gennaker/common';
import { MetricSourceRegistry, MetricQueryError, type MetricSource } from '@gennaker/metrics';
import type { CanarySettings, PrometheusAccount } from '../canary-settings';
import { CloudWatchMetricSource, type CloudWatchClientResolver, type CloudWatchSender } from './cloudwatch.source';
import { LocalMetricSource, type LocalMetricsPort } from './local.source';
import { PrometheusMetricSource, type PrometheusEndpoint } from './prometheus.source';

/**
 * CloudWatch clients. A metrics account or aws cloud account named by the canary gets the AWS
 * provider's own client factory (its endpoint override, assume-role, token bucket and retries
 * per account and region); cloudwatch entries of metricsAccounts get one built the same way.
 * Without a usable name: the only aws account if there is exactly one, else the process's default
 * credentials (and AWS_ENDPOINT_URL).
 */
export function cloudWatchResolver(settings: CanarySettings, options: { providerFactory?: AwsClientFactory | null; env?: NodeJS.ProcessEnv } = {}): CloudWatchClientResolver {
  const env = options.env ?? process.env;
  const cloudWatchAccounts = settings.metricsAccounts.flatMap((a) => (a.type === 'cloudwatch' ? [a] : []));
  // The running AWS provider's factory serves the cloud accounts; otherwise they are read here.
  const cloudEntries = options.providerFactory ? [] : settings.awsAccounts;
  const entries = [...cloudEntries, ...cloudWatchAccounts.map((a) => a.aws)];
  const pointers = [...cloudEntries.map((a) => `/accounts (aws account ${String(a['name'])})`), ...cloudWatchAccounts.map((a) => `/metricsAccounts (${a.name})`)];
  const factories = [...(options.providerFactory ? [options.providerFactory] : []), ...(entries.length > 0 ? [new AwsClientFactory(parseAwsAccounts(entries, pointers))] : [])];
  const owner = new Map<string, AwsClientFactory>();
  for (const f of factories) for (const a of f.accounts()) if (!owner.has(a.name)) owner.set(a.name, f);
  const defaults = new Map<string, CloudWatchClient>();
  const endpoint = env['AWS_ENDPOINT_URL_CLOUDWATCH'] || env['AWS_ENDPOINT_URL'] || undefined;
  return (metricsAccount, region): CloudWatchSender => {
    const account = metricsAccount && owner.has(metricsAccount) ? metricsAccount : owner.size === 1 ? [...owner.keys()][0] : undefined;
    const factory = account ? owner.get(account) : undefined;
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

/** The AWS provider's client factory, when one of the running providers is the AWS one. */
export function awsFactoryOf(providers: readonly CloudProvider[] | null | undefined): AwsClientFactory | null {
  const aws = (providers ?? []).find((p): p is AwsProvider => p instanceof AwsProvider);
  return aws ? aws.factory : null;
}

/** Every metric source of this installation: Prometheus, CloudWatch, and the local provider's. */
export function buildMetricSources(settings: CanarySettings, deps: { localMetrics: LocalMetricsPort | null; cloudProviders?: readonly CloudProvider[] | null; cloudWatch?: CloudWatchClientResolver }): MetricSourceRegistry {
  const prometheusAccounts = new Map<string, PrometheusEndpoint>(
    settings.metricsAccounts.filter((a): a is PrometheusAccount => a.type === 'prometheus').map((a) => [a.name, { url: a.url, headers: a.headers }]),
  );
  const sources: MetricSource[] = [
    new PrometheusMetricSource({ defaultEndpoint: settings.prometheusUrl ? { url: settings.prometheusUrl } : null, accounts: prometheusAccounts, readyDelayMs: settings.prometheusReadyDelayMs }),
    new CloudWatchMetricSource(deps.cloudWatch ?? cloudWatchResolver(settings, { providerFactory: awsFactoryOf(deps.cloudProviders) }), { readyDelayMs: settings.cloudWatchReadyDelayMs }),
  ];
  if (deps.localMetrics) sources.push(new LocalMetricSource(deps.localMetrics, settings.localReadyDelayMs));
  return new MetricSourceRegistry(sources);
}
