import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { InputError } from '@gennaker/common';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { HandlerExecutionContext, MiddlewareStack, StandardRetryBackoffStrategy } from '@smithy/types';
import type { AwsAccountConfig } from './aws-account.util';
import { AwsCallStats } from './aws-call-stats.util';
import { awsErrorCode, httpStatusOf, isThrottlingError } from './aws-errors.util';
import { AwsRateLimiter } from './aws-rate-limiter.util';
import { AssumeRoleCredentials } from './assume-role-credentials.util';
import { TokenBucket } from './token-bucket.util';

/** Where the provider writes: one line per failed or throttled call, a debug line per call. */
export interface AwsLogger {
  debug?(message: string): void;
  log(message: string): void;
  warn(message: string): void;
}

/** The clients of one account and region, sharing its token bucket and adaptive retry. */
export interface AwsClients {
  account: AwsAccountConfig;
  region: string;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  elb: ElasticLoadBalancingV2Client;
  cloudWatch: CloudWatchClient;
}

export interface AwsClientFactoryOptions {
  logger?: AwsLogger;
  stats?: AwsCallStats;
  /** Tests only: the HTTP layer (to answer with throttling errors) and a faster retry backoff. */
  requestHandler?: unknown;
  retryBackoff?: StandardRetryBackoffStrategy;
  /** Tests only: the token buckets' clock (a test must not depend on how fast its calls run). */
  bucketClock?: { now: () => number; sleep: (ms: number) => Promise<void> };
}


/**
 * Every AWS call of the provider goes through clients made here: per account and region one token
 * bucket and one adaptive retry strategy shared by all its services; the account's endpoint
 * override (moto_server, LocalStack) and credentials (the default chain, or STS assume-role with
 * the external id); and a middleware that counts and logs each call without its parameters.
 */
export class AwsClientFactory {
  readonly stats: AwsCallStats;
  private readonly logger: AwsLogger;
  private readonly byName = new Map<string, AwsAccountConfig>();
  private readonly clientsByKey = new Map<string, AwsClients>();
  private readonly limiters = new Map<string, AwsRateLimiter>();
  private readonly retries = new Map<string, AdaptiveRetryStrategy>();
  private readonly roles = new Map<string, AssumeRoleCredentials>();
  private readonly stsClients = new Map<string, STSClient>();

  constructor(
    accounts: AwsAccountConfig[],
    private readonly options: AwsClientFactoryOptions = {},
  ) {
    for (const a of accounts) this.byName.set(a.name, a);
    this.stats = options.stats ?? new AwsCallStats();
    this.logger = options.logger ?? { debug: () => undefined, log: () => undefined, warn: () => undefined };
  }

  accounts(): AwsAccountConfig[] {
    return [...this.byName.values()];
  }

  /** The account by name; an InputError naming `pointer` when there is none. */
  account(name: string, pointer = '/account'): AwsAccountConfig {
    const account = this.byName.get(name);
    if (!account) throw new InputError(`unknown aws account "${name}"`, [{ pointer, message: `no aws account named "${name}" (known: ${[...this.byName.keys()].join(', ') || 'none'})` }]);
    return account;
  }

  /** The clients of an account and region; InputErrors name `/account` or `/region`. */
  clients(accountName: string, region: string, pointers = { account: '/account', region: '/region' }): AwsClients {
    const account = this.account(accountName, pointers.account);
    if (!account.regions.includes(region)) {
      throw new InputError(`region "${region}" is not configured for aws account "${accountName}"`, [
        { pointer: pointers.region, message: `account "${accountName}" has regions ${account.regions.join(', ')}` },
      ]);
    }
    const key = `${account.name}\u0000${region}`;
    const cached = this.clientsByKey.get(key);
    if (cached) return cached;
    const config = this.clientConfig(account, region);
    const clients: AwsClients = {
      account,
      region,
      ec2: this.instrument(new EC2Client(config), 'EC2', account.name, region),
      autoScaling: this.instrument(new AutoScalingClient(config), 'AutoScaling', account.name, region),
      elb: this.instrument(new ElasticLoadBalancingV2Client(config), 'ELBv2', account.name, region),
      // CloudWatch speaks JSON by default now; AWS-compatible endpoints (moto) often only Query,
      // which AWS still accepts too. So Query where the endpoint is overridden.
      cloudWatch: this.instrument(new CloudWatchClient({ ...config, ...(account.endpoint ? { protocol: AwsQueryProtocol as never } : {}) }), 'CloudWatch', account.name, region),
    };
    this.clientsByKey.set(key, clients);
    return clients;
  }

  /** Throttling and token-bucket waits per account and region, for logs and benchmarks. */
  limiterStats(): Record<string, { throttled: number; waited: number; waitedMs: number }> {
    return Object.fromEntries([...this.limiters.entries()].map(([k, l]) => [k.replace('\u0000', '/'), l.stats()]));
  }

  destroy(): void {
    for (const c of this.clientsByKey.values()) for (const client of [c.ec2, c.autoScaling, c.elb, c.cloudWatch]) client.destroy();
    for (const s of this.stsClients.values()) s.destroy();
    this.clientsByKey.clear();
    this.stsClients.clear();
  }

  private clientConfig(account: AwsAccountConfig, region: string) {
    return {
      region,
      ...(account.endpoint ? { endpoint: account.endpoint } : {}),
      ...(account.assumeRole ? { credentials: this.roleCredentials(account).provider } : {}),
      retryStrategy: this.retryStrategy(account, region),
      ...(this.options.requestHandler ? { requestHandler: this.options.requestHandler as never } : {}),
    };
  }

  private retryStrategy(account: AwsAccountConfig, region: string): AdaptiveRetryStrategy {
    const key = `${account.name}\u0000${region}`;
    let strategy = this.retries.get(key);
    if (!strategy) {
      const clock = this.options.bucketClock;
      const limiter = new AwsRateLimiter(new TokenBucket(account.rateLimit.perSecond, account.rateLimit.burst, clock?.now, clock?.sleep));
      this.limiters.set(key, limiter);
      strategy = new AdaptiveRetryStrategy(account.maxAttempts, {
        rateLimiter: limiter,
        ...(this.options.retryBackoff ? { backoff: this.options.retryBackoff } : {}),
      });
      this.retries.set(key, strategy);
    }
    return strategy;
  }

  private roleCredentials(account: AwsAccountConfig): AssumeRoleCredentials {
    let creds = this.roles.get(account.name);
    if (!creds) {
      // STS runs in the account's first region, with the process's own credentials (default chain).
      const region = account.regions[0] as string;
      const sts = this.instrument(
        new STSClient({
          region,
          ...(account.endpoint ? { endpoint: account.endpoint } : {}),
          retryStrategy: this.retryStrategy(account, region),
          ...(this.options.requestHandler ? { requestHandler: this.options.requestHandler as never } : {}),
        }),
        'STS',
        account.name,
        region,
      );
      this.stsClients.set(account.name, sts);
      creds = new AssumeRoleCredentials(sts, account.assumeRole as NonNullable<AwsAccountConfig['assumeRole']>);
      this.roles.set(account.name, creds);
    }
    return creds;
  }

  /** Counts calls and attempts and logs them: operation, account, region, time, error code. */
  private instrument<C extends { middlewareStack: unknown }>(client: C, service: string, account: string, region: string): C {
    // Every SDK v3 client has this stack; its generic types differ per client, hence the cast.
    const stack = client.middlewareStack as MiddlewareStack<object, object>;
    const stats = this.stats;
    const logger = this.logger;
    const attemptsOf = new WeakMap<HandlerExecutionContext, number>();
    stack.add(
      (next, context) => async (args) => {
        const started = Date.now();
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        attemptsOf.set(context, 0);
        try {
          const out = await next(args);
          const attempts = attemptsOf.get(context) ?? 1;
          stats.record({ service, operation, account, region, attempts, ms: Date.now() - started });
          const line = `aws ${service}.${operation} ${account}/${region} ok in ${Date.now() - started} ms`;
          if (attempts > 1) logger.log(`${line} after ${attempts} attempts (retried)`);
          else logger.debug?.(line);
          return out;
        } catch (err) {
          const attempts = attemptsOf.get(context) ?? 1;
          const code = awsErrorCode(err);
          stats.record({ service, operation, account, region, attempts, ms: Date.now() - started, error: code });
          // Not-found and already-exists answers are how idempotent calls learn the state: debug.
          const status = httpStatusOf(err);
          const line = `aws ${service}.${operation} ${account}/${region} failed after ${attempts} attempt(s) in ${Date.now() - started} ms: ${code}`;
          if (isThrottlingError(err) || status === undefined || status >= 500 || status === 403) logger.warn(line);
          else logger.debug?.(line);
          throw err;
        }
      },
      { step: 'initialize', name: 'gennakerCallLog', priority: 'high' },
    );
    // Runs once per HTTP attempt: it sits below the retry middleware in the same step.
    stack.add(
      (next, context) => async (args) => {
        attemptsOf.set(context, (attemptsOf.get(context) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'gennakerAttemptCount', priority: 'low' },
    );
    return client;
  }
}
