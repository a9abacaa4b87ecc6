import type { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { ClusterLockEntity } from './cluster-lock/cluster-lock.entity';
import { LocalBakeEntity } from './entities/local-bake.entity';
import { LocalImageEntity } from './entities/local-image.entity';
import { LocalInstanceEntity } from './entities/local-instance.entity';
import { LocalLoadBalancerEntity } from './entities/local-load-balancer.entity';
import { LocalMetricEntity } from './entities/local-metric.entity';
import { LocalServerGroupEntity } from './entities/local-server-group.entity';

export const LOCAL_ENTITIES = [LocalImageEntity, LocalBakeEntity, LocalServerGroupEntity, LocalInstanceEntity, LocalLoadBalancerEntity, LocalMetricEntity];
/** Every table of the cloud layer kept here: the local provider's and the cluster lock's. */
export const CLOUD_ENTITIES = [...LOCAL_ENTITIES, ClusterLockEntity];

/** The local provider's rows in Postgres: desired state written by any process, observed state by the host. */
export class LocalStateRepository {
  constructor(readonly ds: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.ds.manager;
  }

  // --- images and bakes -------------------------------------------------------------------------

  async saveImage(image: LocalImageEntity): Promise<void> {
    await this.ds.createQueryBuilder().insert().into(LocalImageEntity).values(image).orIgnore().execute();
  }

  image(id: string): Promise<LocalImageEntity | null> {
    return this.ds.getRepository(LocalImageEntity).findOneBy({ id });
  }

  images(): Promise<LocalImageEntity[]> {
    return this.ds.getRepository(LocalImageEntity).find({ order: { createdAt: 'DESC' } });
  }

  async saveBake(bake: LocalBakeEntity): Promise<void> {
    await this.ds.getRepository(LocalBakeEntity).save(bake);
  }

  bake(id: string): Promise<LocalBakeEntity | null> {
    return this.ds.getRepository(LocalBakeEntity).findOneBy({ id });
  }

  // --- server groups ----------------------------------------------------------------------------

  /** Inserts unless a group of that name exists (creating twice is a no-op). */
  async insertGroup(g: LocalServerGroupEntity, manager?: EntityManager): Promise<void> {
    await this.m(manager).createQueryBuilder().insert().into(LocalServerGroupEntity).values(g as QueryDeepPartialEntity<LocalServerGroupEntity>).orIgnore().execute();
  }

  group(account: string, region: string, name: string): Promise<LocalServerGroupEntity | null> {
    return this.ds.getRepository(LocalServerGroupEntity).findOneBy({ account, region, name });
  }

  groups(filter: { account?: string; region?: string; application?: string; cluster?: string } = {}): Promise<LocalServerGroupEntity[]> {
    const where: Record<string, string> = {};
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) where[k] = v;
    return this.ds.getRepository(LocalServerGroupEntity).find({ where, order: { createdAt: 'ASC' } });
  }

  async updateGroup(account: string, region: string, name: string, patch: Partial<Pick<LocalServerGroupEntity, 'capacity' | 'enabled' | 'state'>>): Promise<number> {
    const r = await this.ds.getRepository(LocalServerGroupEntity).update({ account, region, name }, patch);
    return r.affected ?? 0;
  }

  async deleteGroup(account: string, region: string, name: string): Promise<void> {
    await this.ds.getRepository(LocalServerGroupEntity).delete({ account, region, name });
  }

  // --- instances --------------------------------------------------------------------------------

  instances(filter: { account?: string; region?: string } = {}): Promise<LocalInstanceEntity[]> {
    const where: Record<string, string> = {};
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) where[k] = v;
    return this.ds.getRepository(LocalInstanceEntity).find({ where, order: { launchedAt: 'ASC', id: 'ASC' } });
  }

  async instancesOf(account: string, region: string, groups: string[]): Promise<LocalInstanceEntity[]> {
    if (groups.length === 0) return [];
    return this.ds
      .getRepository(LocalInstanceEntity)
      .createQueryBuilder('i')
      .where('i.account = :account AND i.region = :region AND i.server_group = ANY(:groups)', { account, region, groups })
      .orderBy('i.launched_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getMany();
  }

  async saveInstance(i: LocalInstanceEntity): Promise<void> {
    await this.ds.getRepository(LocalInstanceEntity).save(i);
  }

  async deleteInstance(id: string): Promise<void> {
    await this.ds.getRepository(LocalInstanceEntity).delete({ id });
  }

  // --- load balancers ---------------------------------------------------------------------------

  loadBalancers(filter: { account?: string; region?: string; application?: string } = {}): Promise<LocalLoadBalancerEntity[]> {
    const where: Record<string, string> = {};
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) where[k] = v;
    return this.ds.getRepository(LocalLoadBalancerEntity).find({ where, order: { createdAt: 'ASC' } });
  }

  loadBalancer(account: string, region: string, name: string, manager?: EntityManager): Promise<LocalLoadBalancerEntity | null> {
    return this.m(manager).getRepository(LocalLoadBalancerEntity).findOneBy({ account, region, name });
  }

  async insertLoadBalancer(lb: LocalLoadBalancerEntity, manager?: EntityManager): Promise<void> {
    await this.m(manager).createQueryBuilder().insert().into(LocalLoadBalancerEntity).values(lb).orIgnore().execute();
  }

  async setWeights(account: string, region: string, name: string, weights: Record<string, number>): Promise<number> {
    const r = await this.ds.getRepository(LocalLoadBalancerEntity).update({ account, region, name }, { weights });
    return r.affected ?? 0;
  }

  /** A disabled or destroyed group leaves every canary split it was in. */
  async dropWeight(account: string, region: string, group: string): Promise<void> {
    await this.ds.query(`UPDATE local_load_balancers SET weights = weights - $3::text WHERE account = $1 AND region = $2 AND weights ? $3`, [account, region, group]);
  }

  // --- routing barrier --------------------------------------------------------------------------

  /** The host applied to its load balancers the state it read at `readAt`. */
  async markRouted(readAt: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO local_routing (id, applied_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET applied_at = greatest(local_routing.applied_at, EXCLUDED.applied_at)`,
      [readAt],
    );
  }

  /**
   * The database's clock now (not a transaction's start), with when the host last routed and when a
   * change last asked it to (null before the first of either).
   */
  async routing(): Promise<{ now: Date; appliedAt: Date | null; requestedAt: Date | null }> {
    const r = (await this.ds.query(
      `SELECT clock_timestamp() AS now, (SELECT applied_at FROM local_routing WHERE id = 1) AS applied_at, (SELECT requested_at FROM local_routing WHERE id = 1) AS requested_at`,
    )) as Array<{ now: Date; applied_at: Date | null; requested_at: Date | null }>;
    const row = r[0] as { now: Date; applied_at: Date | null; requested_at: Date | null };
    return { now: row.now, appliedAt: row.applied_at, requestedAt: row.requested_at };
  }

  /** Asks the host to confirm it routed every change committed so far; returns the time to wait past. */
  async requestRouting(): Promise<Date> {
    const r = (await this.ds.query(
      `INSERT INTO local_routing (id, applied_at, requested_at) VALUES (1, '-infinity', clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET requested_at = greatest(local_routing.requested_at, EXCLUDED.requested_at)
       RETURNING requested_at`,
    )) as Array<{ requested_at: Date }>;
    return (r[0] as { requested_at: Date }).requested_at;
  }

  /** Whether the load balancers reflect every change committed before `since`; `stale`: no host has routed for `staleMs`. */
  async routedSince(since: Date, staleMs: number): Promise<{ routed: boolean; stale: boolean }> {
    const r = (await this.ds.query(
      `SELECT applied_at >= $1 AS routed, clock_timestamp() - applied_at > make_interval(secs => $2::double precision / 1000) AS stale FROM local_routing WHERE id = 1`,
      [since, staleMs],
    )) as Array<{ routed: boolean; stale: boolean }>;
    return r[0] ?? { routed: false, stale: true };
  }

  // --- metrics ----------------------------------------------------------------------------------

  /** Adds one second's counts (two flushes of the same second add up). */
  async addMetrics(rows: Array<Omit<LocalMetricEntity, never>>): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.account, r.region, r.serverGroup, r.bucket, r.requests, r.errors, r.latencySumMs, r.latencyCounts);
      const b = i * 8;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}::int[])`;
    });
    await this.ds.query(
      `INSERT INTO local_metrics (account, region, server_group, bucket, requests, errors, latency_sum_ms, latency_counts)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (account, region, server_group, bucket) DO UPDATE SET
         requests = local_metrics.requests + excluded.requests,
         errors = local_metrics.errors + excluded.errors,
         latency_sum_ms = local_metrics.latency_sum_ms + excluded.latency_sum_ms,
         latency_counts = (SELECT array_agg(coalesce(a, 0) + coalesce(b, 0) ORDER BY n)
                           FROM unnest(local_metrics.latency_counts, excluded.latency_counts) WITH ORDINALITY AS t(a, b, n))`,
      values,
    );
  }

  metrics(filter: { account: string; region: string; serverGroup: string; start: Date; end: Date }): Promise<LocalMetricEntity[]> {
    return this.ds
      .getRepository(LocalMetricEntity)
      .createQueryBuilder('m')
      .where('m.account = :account AND m.region = :region AND m.server_group = :serverGroup AND m.bucket >= :start AND m.bucket < :end', filter)
      .orderBy('m.bucket', 'ASC')
      .getMany();
  }

  async pruneMetrics(olderThan: Date): Promise<void> {
    await this.ds.query(`DELETE FROM local_metrics WHERE bucket < $1`, [olderThan]);
  }
}
