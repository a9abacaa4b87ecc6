import { instanceCounts, publicAccount, type CloudAccount, type CloudProviderRegistry, type ServerGroup } from '@gennaker/cloud';
import { errorMessage } from '@gennaker/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOUD_PROVIDER_REGISTRY } from './tokens';

export interface ServerGroupView {
  name: string;
  region: string;
  enabled: boolean;
  capacity: { min: number; max: number; desired: number };
  instances: { total: number; up: number; down: number; starting: number };
  /** Image name (or id when it has none). */
  image: string;
  imageId: string;
  createdTime: string;
  loadBalancers: string[];
}

export interface ClusterView {
  account: string;
  name: string;
  serverGroups: ServerGroupView[];
  /** Where the cluster's load balancers listen (local: http://127.0.0.1:port). */
  loadBalancers: Array<{ name: string; region: string; address: string | null }>;
}

/** The clusters of an application across every account and region (the clusters API). */
@Injectable()
export class ClustersService {
  private readonly log = new Logger(ClustersService.name);

  constructor(@Inject(CLOUD_PROVIDER_REGISTRY) private readonly registry: CloudProviderRegistry) {}

  async list(application: string): Promise<ClusterView[]> {
    const byCluster = new Map<string, ClusterView>();
    const places = this.registry.accounts().flatMap((a) => a.regions.map((region) => ({ account: a.name, region })));
    const results = await Promise.all(
      places.map(async ({ account, region }) => {
        const provider = this.registry.providerFor(account);
        try {
          const [groups, lbs] = await Promise.all([
            provider.listServerGroups(account, region, { application }),
            provider.listLoadBalancers(account, region, { application }),
          ]);
          return { account, region, groups, lbs };
        } catch (err) {
          // One unreachable account must not hide the others.
          this.log.warn(`listing ${application} in ${account}/${region} failed: ${errorMessage(err)}`);
          return { account, region, groups: [] as ServerGroup[], lbs: [] };
        }
      }),
    );
    for (const { account, region, groups, lbs } of results) {
      for (const g of groups) {
        const key = `${account}\0${g.cluster}`;
        let c = byCluster.get(key);
        if (!c) {
          c = { account, name: g.cluster, serverGroups: [], loadBalancers: [] };
          byCluster.set(key, c);
        }
        c.serverGroups.push({
          name: g.name,
          region: g.region,
          enabled: g.enabled,
          capacity: { ...g.capacity },
          instances: instanceCounts(g),
          image: g.image.name ?? g.image.id,
          imageId: g.image.id,
          createdTime: new Date(g.createdTime).toISOString(),
          loadBalancers: [...g.loadBalancers],
        });
        for (const name of g.loadBalancers) {
          if (c.loadBalancers.some((l) => l.name === name && l.region === region)) continue;
          const lb = lbs.find((l) => l.name === name);
          c.loadBalancers.push({ name, region, address: lb?.address ?? null });
        }
      }
    }
    return [...byCluster.values()]
      .map((c) => ({ ...c, serverGroups: c.serverGroups.sort((a, b) => b.createdTime.localeCompare(a.createdTime)) }))
      .sort((a, b) => a.account.localeCompare(b.account) || a.name.localeCompare(b.name));
  }
}

/** Accounts as the API shows them: never credentials. */
@Injectable()
export class AccountsService {
  constructor(@Inject(CLOUD_PROVIDER_REGISTRY) private readonly registry: CloudProviderRegistry) {}

  list(): CloudAccount[] {
    return this.registry.accounts().map(publicAccount);
  }
}
