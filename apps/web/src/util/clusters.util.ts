import type { Schemas } from '@gennaker/api-client';

type ClusterView = Schemas['Cluster'];
type ServerGroupView = Schemas['ServerGroupSummary'];

/** "v003" of "app-prod-v003" (Frigga's naming); null for a name without a version. */
export function serverGroupVersion(name: string): string | null {
  const m = /-(v\d{3,})$/.exec(name);
  return m?.[1] ?? null;
}

const versionNumber = (name: string): number => Number(serverGroupVersion(name)?.slice(1) ?? -1);

export interface RegionClusters {
  region: string;
  clusters: Array<{ name: string; serverGroups: ServerGroupView[]; loadBalancers: Array<{ name: string; address: string | null }> }>;
}

/**
 * account -> region -> cluster, each cluster's server groups newest first. Versions wrap at v999, so
 * "newest" is by creation time when the API gives it, else by version.
 */
export function groupClusters(clusters: readonly ClusterView[]): Array<{ account: string; regions: RegionClusters[] }> {
  const accounts = new Map<string, Map<string, Map<string, ServerGroupView[]>>>();
  const balancers = new Map<string, Array<{ name: string; address: string | null }>>();
  for (const c of clusters) {
    for (const lb of c.loadBalancers ?? []) {
      const key = `${c.account}\0${lb.region}\0${c.name}`;
      balancers.set(key, [...(balancers.get(key) ?? []), { name: lb.name, address: lb.address }]);
    }
    const regions = accounts.get(c.account) ?? new Map<string, Map<string, ServerGroupView[]>>();
    accounts.set(c.account, regions);
    for (const g of c.serverGroups) {
      const byCluster = regions.get(g.region) ?? new Map<string, ServerGroupView[]>();
      regions.set(g.region, byCluster);
      byCluster.set(c.name, [...(byCluster.get(c.name) ?? []), g]);
    }
  }
  const created = (g: ServerGroupView): number => (g.createdTime ? new Date(g.createdTime).getTime() : NaN);
  const newestFirst = (a: ServerGroupView, b: ServerGroupView): number => {
    const ca = created(a);
    const cb = created(b);
    if (Number.isFinite(ca) && Number.isFinite(cb) && ca !== cb) return cb - ca;
    return versionNumber(b.name) - versionNumber(a.name);
  };
  return [...accounts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, regions]) => ({
      account,
      regions: [...regions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, byCluster]) => ({
          region,
          clusters: [...byCluster.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, groups]) => ({ name, serverGroups: [...groups].sort(newestFirst), loadBalancers: balancers.get(`${account}\0${region}\0${name}`) ?? [] })),
        })),
    }));
}

/**
 * What a cluster is doing, for the badge over it: a red/black in progress shows as the newest group
 * filling while an older one still serves, then as the older one being disabled. Null when at rest.
 */
export function clusterActivity(newestFirst: readonly ServerGroupView[]): string | null {
  const [next, ...older] = newestFirst;
  if (!next) return null;
  const serving = older.filter((g) => g.enabled);
  const filling = next.instances.up < next.capacity.desired;
  const v = (g: ServerGroupView) => serverGroupVersion(g.name) ?? g.name;
  if (filling && serving.length > 0) return `red/black: ${v(next)} filling (${next.instances.up}/${next.capacity.desired} up), ${serving.map(v).join(', ')} serving`;
  if (!filling && next.enabled && serving.length > 0) return `red/black: ${v(next)} healthy, disabling ${serving.map(v).join(', ')}`;
  if (filling && next.capacity.desired > 0) return `${v(next)} filling (${next.instances.up}/${next.capacity.desired} up)`;
  return null;
}
