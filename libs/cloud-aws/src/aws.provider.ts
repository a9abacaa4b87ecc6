import { Logger } from '@nestjs/common';
import type { AlarmState, BakeRequest, BakeState, Capacity, CloudAccount, CloudProvider, Image, LoadBalancer, ServerGroup, ServerGroupSpec } from '@gennaker/cloud';
import { parseAwsAccounts, type AwsAccountConfig } from './aws-account.util';
import { AwsAlarmsService } from './aws-alarms.service';
import { AwsClientFactory, type AwsClientFactoryOptions, type AwsLogger } from './aws-client.factory';
import { AwsImagesService } from './aws-images.service';
import { AwsLoadBalancersService } from './aws-load-balancers.service';
import { AwsServerGroupsService } from './aws-server-groups.service';

export interface AwsProviderOptions extends AwsClientFactoryOptions {
  /** JSON pointer of each entry in the accounts file, for errors (default `/accounts/<i>`). */
  pointers?: string[];
  now?: () => number;
  /**
   * How often tasks poll while they wait (instances, bakes). Every poll costs AWS calls that count
   * against the account's rate limit, so 10 s by default (Clouddriver polls about as often).
   */
  pollIntervalMs?: number;
}

/**
 * The AWS provider: EC2 Auto Scaling groups with one launch template each, ELBv2 target groups,
 * AMI bakes, CloudWatch alarms. Every call goes through one AwsClientFactory (token bucket and
 * adaptive retry per account and region, STS assume-role, endpoint override).
 */
export class AwsProvider implements CloudProvider {
  readonly type = 'aws' as const;
  readonly pollIntervalMs: number;
  readonly factory: AwsClientFactory;
  private readonly serverGroups: AwsServerGroupsService;
  private readonly images: AwsImagesService;
  private readonly loadBalancers: AwsLoadBalancersService;
  private readonly alarms: AwsAlarmsService;

  constructor(accounts: AwsAccountConfig[], options: AwsProviderOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 10_000;
    this.factory = new AwsClientFactory(accounts, { ...options, logger: options.logger ?? nestLogger() });
    this.serverGroups = new AwsServerGroupsService(this.factory);
    this.images = new AwsImagesService(this.factory, options.now);
    this.loadBalancers = new AwsLoadBalancersService(this.factory);
    this.alarms = new AwsAlarmsService(this.factory);
  }

  /** What the API and the UI may see: no role, external id or endpoint. */
  accounts(): CloudAccount[] {
    return this.factory.accounts().map((a) => ({
      name: a.name,
      provider: 'aws',
      regions: [...a.regions],
      environment: a.environment,
      ...(a.permissions ? { permissions: a.permissions } : {}),
      defaults: { ...a.defaults, subnetTypeTag: a.subnetTypeTag },
    }));
  }

  findImages(account: string, region: string, query: { id?: string; name?: string; tags?: Record<string, string> }): Promise<Image[]> {
    return this.images.find(account, region, query);
  }
  startBake(request: BakeRequest): Promise<BakeState> {
    return this.images.startBake(request);
  }
  bakeStatus(account: string, region: string, bakeId: string): Promise<BakeState> {
    return this.images.bakeStatus(account, region, bakeId);
  }
  cancelBake(account: string, region: string, bakeId: string): Promise<void> {
    return this.images.cancelBake(account, region, bakeId);
  }

  listServerGroups(account: string, region: string, filter: { application: string; cluster?: string }): Promise<ServerGroup[]> {
    return this.serverGroups.list(account, region, filter);
  }
  getServerGroup(account: string, region: string, name: string): Promise<ServerGroup | null> {
    return this.serverGroups.get(account, region, name);
  }
  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return this.serverGroups.create(spec);
  }
  resizeServerGroup(account: string, region: string, name: string, capacity: Capacity): Promise<void> {
    return this.serverGroups.resize(account, region, name, capacity);
  }
  enableServerGroup(account: string, region: string, name: string): Promise<void> {
    return this.serverGroups.enable(account, region, name);
  }
  disableServerGroup(account: string, region: string, name: string): Promise<void> {
    return this.serverGroups.disable(account, region, name);
  }
  destroyServerGroup(account: string, region: string, name: string): Promise<void> {
    return this.serverGroups.destroy(account, region, name);
  }

  listLoadBalancers(account: string, region: string, filter: { application?: string }): Promise<LoadBalancer[]> {
    return this.loadBalancers.list(account, region, filter);
  }

  /** CloudWatch alarm states by name (MISSING for unknown names), for rollback on alarms. */
  alarmStates(account: string, region: string, names: string[]): Promise<AlarmState[]> {
    return this.alarms.states(account, region, names);
  }

  /** Closes the SDK clients' sockets (worker shutdown, tests). */
  destroy(): void {
    this.factory.destroy();
  }

  async shutdown(): Promise<void> {
    this.destroy();
  }
}

/**
 * Validates the aws entries of the accounts file (InputError with pointers such as
 * `/accounts/2/assumeRole/roleArn`) and builds the provider. No AWS call is made here.
 */
export function createAwsProvider(entries: unknown[], options: AwsProviderOptions = {}): AwsProvider {
  // GENNAKER_AWS_POLL_MS: a faster poll for tests against moto_server, or a slower one for
  // accounts close to their API limits.
  const envPoll = Number(process.env['GENNAKER_AWS_POLL_MS']);
  const pollIntervalMs = options.pollIntervalMs ?? (Number.isInteger(envPoll) && envPoll > 0 ? envPoll : undefined);
  return new AwsProvider(parseAwsAccounts(entries, options.pointers), { ...options, ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}) });
}

function nestLogger(): AwsLogger {
  const logger = new Logger('AwsProvider');
  return { debug: (m) => logger.debug(m), log: (m) => logger.log(m), warn: (m) => logger.warn(m) };
}
