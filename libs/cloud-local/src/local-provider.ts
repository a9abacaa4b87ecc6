import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  capacityErrors,
  parseName,
  type BakeRequest,
  type BakeState,
  type Capacity,
  type CloudAccount,
  type CloudProvider,
  type Image,
  type Instance,
  type LoadBalancer,
  type RawAccount,
  type ServerGroup,
  type ServerGroupSpec,
} from '@gennaker/cloud';
import { errorMessage, InputError, isPlainObject, TransientError } from '@gennaker/common';
import type { DataSource } from 'typeorm';
import type { LocalImageEntity } from './entities/local-image.entity';
import type { LocalInstanceEntity } from './entities/local-instance.entity';
import type { LocalLoadBalancerEntity } from './entities/local-load-balancer.entity';
import type { LocalServerGroupEntity } from './entities/local-server-group.entity';
import { freePort } from './host/process.util';
import { LocalHost } from './host/local-host';
import { ImageStore } from './image-store';
import { LocalStateRepository } from './local-state.repository';

export interface LocalProviderOptions {
  dataSource: DataSource;
  /** Where images, logs and temporary bake directories live (GENNAKER_DATA_DIR, default ./.data). */
  dataDir: string;
  /** Relative bake directories resolve from here (the worker's working directory). */
  cwd?: string;
  /** Workers run the host (processes, balancers); the api only reads and writes state. */
  role: 'api' | 'worker';
  /** Address the load balancers listen on (default 127.0.0.1). */
  bindHost?: string;
  tickMs?: number;
  healthIntervalMs?: number;
  drainTimeoutMs?: number;
  stopInstancesOnShutdown?: boolean;
  /**
   * How long instances outlive a host that died without a clean shutdown before the orphan reaper
   * stops them (default 60 s; 0 never). A restarted or another worker adopts them within it.
   */
  orphanGraceMs?: number;
  log?: { log(m: string): void; warn(m: string): void; error(m: string): void };
}

const DEFAULT_HEALTH_PATH = '/health';

/** Reads the local-only keys of the accounts file: nothing beyond the common fields is needed. */
export function localAccounts(entries: unknown[]): CloudAccount[] {
  return entries.map((e, i) => {
    if (!isPlainObject(e)) throw new InputError('a local account must be an object', [{ pointer: `/accounts/${i}`, message: 'must be an object' }]);
    const a = e as RawAccount;
    return { name: a.name, provider: 'local', regions: a.regions, environment: a.environment, ...(a.permissions ? { permissions: a.permissions } : {}), ...(a.defaults ? { defaults: a.defaults } : {}) };
  });
}

/** How long a change waits for the local host to route it, and after what silence no host is assumed. */
const ROUTING_TIMEOUT_MS = 30_000;
const ROUTING_STALE_MS = 10_000;

/**
 * The embedded cloud: server groups are supervised local processes of a baked image; each
 * cluster's load balancer is a weighted HTTP proxy. Every call reads or writes Postgres; the
 * process elected local host makes the processes follow (see LocalHost). Calls are idempotent,
 * as the port requires.
 */
export class LocalProvider implements CloudProvider {
  readonly type = 'local' as const;
  readonly pollIntervalMs = 500;
  readonly repo: LocalStateRepository;
  private readonly store: ImageStore;
  private host: LocalHost | null = null;
  private readonly accountList: CloudAccount[];

  constructor(
    accounts: CloudAccount[],
    private readonly o: LocalProviderOptions,
  ) {
    this.accountList = accounts;
    this.repo = new LocalStateRepository(o.dataSource);
    this.store = new ImageStore(o.dataDir, o.cwd ?? process.cwd());
  }

  accounts(): CloudAccount[] {
    return this.accountList;
  }

  async start(): Promise<void> {
    if (this.o.role !== 'worker' || this.host) return;
    const rows = (await this.o.dataSource.query('SELECT current_database() AS db')) as Array<{ db: string }>;
    const db = rows[0]?.db ?? 'gennaker';
    const hostKey = createHash('sha256').update(`${resolve(this.o.dataDir)}\0${db}`).digest('hex').slice(0, 16);
    this.host = new LocalHost(this.repo, {
      dataDir: this.o.dataDir,
      hostKey,
      bindHost: this.o.bindHost ?? '127.0.0.1',
      tickMs: this.o.tickMs ?? 250,
      healthIntervalMs: this.o.healthIntervalMs ?? 1000,
      drainTimeoutMs: this.o.drainTimeoutMs ?? 10_000,
      stopInstancesOnShutdown: this.o.stopInstancesOnShutdown ?? true,
      orphanGraceMs: this.o.orphanGraceMs ?? 60_000,
      log: this.o.log ?? console,
    });
    this.host.start();
  }

  /**
   * Stops the host: balancers closed, metrics flushed and, unless `stopInstances: false` (or the
   * provider's `stopInstancesOnShutdown: false`), every instance stopped; the next host starts them
   * again. With `stopInstances: false` they keep running for the next host to adopt.
   */
  async shutdown(options: { stopInstances?: boolean } = {}): Promise<void> {
    await this.host?.stop(options);
    this.host = null;
  }

  /** Whether this process currently runs the instances and balancers. */
  get isHost(): boolean {
    return this.host?.isHost ?? false;
  }

  private check(account: string, region: string): void {
    const a = this.accountList.find((x) => x.name === account);
    if (!a) throw new InputError(`unknown local account "${account}"`, [{ pointer: '/account', message: 'no such local account' }]);
    if (!a.regions.includes(region)) throw new InputError(`account ${account} has no region ${region}`, [{ pointer: '/region', message: `not a region of ${account}` }]);
  }

  // --- images -----------------------------------------------------------------------------------

  private imageOf(row: LocalImageEntity, account: string, region: string): Image {
    return {
      id: row.id,
      name: row.name,
      account,
      region,
      createdTime: row.createdAt.getTime(),
      tags: { ...row.tags, package: row.package, ...(row.version ? { version: row.version } : {}) },
    };
  }

  /** Images live on this machine: every local account and region sees all of them. */
  async findImages(account: string, region: string, query: { id?: string; name?: string; tags?: Record<string, string> }): Promise<Image[]> {
    this.check(account, region);
    const rows = query.id ? [await this.repo.image(query.id)].filter((r): r is LocalImageEntity => r !== null) : await this.repo.images();
    return rows
      .map((r) => this.imageOf(r, account, region))
      .filter((i) => (query.name === undefined || i.name === query.name) && Object.entries(query.tags ?? {}).every(([k, v]) => i.tags[k] === v));
  }

  /**
   * Packages the directory or commit now (a local bake takes a moment) and answers completed.
   * Images are content-addressed: the same files give the same image (reused), whatever the inputs
   * hash says; `rebake` writes the files again.
   */
  async startBake(request: BakeRequest): Promise<BakeState> {
    this.check(request.account, request.region);
    const bakeId = `bake-${randomBytes(6).toString('hex')}`;
    const inputs = request.inputs;
    try {
      const packaged = await this.store.package(
        {
          package: request.package,
          version: request.version,
          directory: inputs['directory'] as string | undefined,
          repository: inputs['repository'] as string | undefined,
          commit: inputs['commit'] as string | undefined,
          command: inputs['command'] as string | string[] | undefined,
          env: isPlainObject(inputs['env']) ? inputs['env'] : undefined,
        },
        { rebake: request.rebake },
      );
      const name = `${request.package}-${request.version ?? packaged.digest.slice(0, 12)}`;
      await this.repo.saveImage({
        id: packaged.digest,
        name,
        account: request.account,
        region: request.region,
        package: request.package,
        version: request.version ?? null,
        path: packaged.path,
        command: packaged.command,
        env: packaged.env,
        tags: { ...(request.tags ?? {}), inputsHash: request.inputsHash, ...(packaged.commit ? { commit: packaged.commit } : {}) },
        sizeBytes: String(packaged.sizeBytes),
        createdAt: new Date(),
      });
      await this.repo.saveBake({ id: bakeId, inputsHash: request.inputsHash, account: request.account, region: request.region, state: 'completed', imageId: packaged.digest, reused: packaged.existed && !request.rebake, message: null, createdAt: new Date() });
      return this.bakeStatus(request.account, request.region, bakeId);
    } catch (err) {
      if (err instanceof InputError) throw err;
      await this.repo.saveBake({ id: bakeId, inputsHash: request.inputsHash, account: request.account, region: request.region, state: 'failed', imageId: null, reused: false, message: errorMessage(err), createdAt: new Date() });
      return { state: 'failed', bakeId, message: errorMessage(err) };
    }
  }

  async bakeStatus(account: string, region: string, bakeId: string): Promise<BakeState> {
    const bake = await this.repo.bake(bakeId);
    if (!bake) return { state: 'failed', bakeId, message: `no bake ${bakeId}` };
    if (bake.state === 'failed' || !bake.imageId) return { state: 'failed', bakeId, message: bake.message ?? 'bake failed' };
    const image = await this.repo.image(bake.imageId);
    if (!image) return { state: 'failed', bakeId, message: `image ${bake.imageId} is gone` };
    return { state: 'completed', bakeId, image: this.imageOf(image, account, region), reused: bake.reused };
  }

  // --- server groups ----------------------------------------------------------------------------

  private view(g: LocalServerGroupEntity, rows: LocalInstanceEntity[], image: LocalImageEntity | null): ServerGroup {
    const instances: Instance[] = rows.map((r) => {
      const health: Instance['health'] =
        r.state === 'up' ? 'Up' : r.state === 'starting' ? 'Starting' : r.state === 'stopping' ? 'OutOfService' : 'Down';
      const inService = health === 'Up' && g.enabled;
      return {
        id: r.id,
        health,
        healthDetails: [
          {
            source: 'process',
            state: r.state === 'crashed' ? 'Down' : r.state === 'stopping' ? 'Stopping' : 'Up',
            ...(r.state === 'crashed' && r.healthReason ? { description: r.healthReason } : {}),
          },
          { source: 'http', state: r.state === 'up' ? 'Up' : r.state === 'starting' ? 'Starting' : 'Down', ...(r.healthReason ? { description: r.healthReason } : {}) },
          ...g.loadBalancers.map((lb) => ({ source: `loadBalancer:${lb}`, state: inService ? 'InService' : 'OutOfService' })),
        ],
        zone: g.region,
        launchTime: r.launchedAt.getTime(),
        address: `http://127.0.0.1:${r.port}`,
      };
    });
    return {
      name: g.name,
      account: g.account,
      region: g.region,
      application: g.application,
      cluster: g.cluster,
      ...(g.stack ? { stack: g.stack } : {}),
      ...(g.detail ? { detail: g.detail } : {}),
      sequence: g.sequence,
      enabled: g.enabled,
      capacity: { ...g.capacity },
      image: { id: g.imageId, ...(image ? { name: image.name } : {}) },
      instances,
      createdTime: g.createdAt.getTime(),
      loadBalancers: [...g.loadBalancers],
      targetGroups: [...g.loadBalancers],
      tags: { ...g.tags },
      launchConfig: { ...g.launchConfig },
    };
  }

  private async views(groups: LocalServerGroupEntity[]): Promise<ServerGroup[]> {
    const out: ServerGroup[] = [];
    const byPlace = new Map<string, LocalServerGroupEntity[]>();
    for (const g of groups) byPlace.set(`${g.account}\0${g.region}`, [...(byPlace.get(`${g.account}\0${g.region}`) ?? []), g]);
    const images = new Map<string, LocalImageEntity | null>();
    for (const list of byPlace.values()) {
      const first = list[0] as LocalServerGroupEntity;
      const rows = await this.repo.instancesOf(first.account, first.region, list.map((g) => g.name));
      for (const g of list) {
        if (!images.has(g.imageId)) images.set(g.imageId, await this.repo.image(g.imageId));
        out.push(this.view(g, rows.filter((r) => r.serverGroup === g.name), images.get(g.imageId) ?? null));
      }
    }
    return out;
  }

  async listServerGroups(account: string, region: string, filter: { application: string; cluster?: string }): Promise<ServerGroup[]> {
    this.check(account, region);
    const groups = await this.repo.groups({ account, region, application: filter.application, ...(filter.cluster ? { cluster: filter.cluster } : {}) });
    return this.views(groups.filter((g) => g.state === 'active'));
  }

  async getServerGroup(account: string, region: string, name: string): Promise<ServerGroup | null> {
    this.check(account, region);
    const g = await this.repo.group(account, region, name);
    if (!g || g.state !== 'active') return null;
    return (await this.views([g]))[0] ?? null;
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    this.check(spec.account, spec.region);
    const existing = await this.repo.group(spec.account, spec.region, spec.name);
    if (existing && existing.state === 'active') return (await this.views([existing]))[0] as ServerGroup;
    // A group of that name is still stopping: the name frees up within seconds, so try again then.
    if (existing) throw new TransientError(`server group ${spec.name} is still being destroyed`);
    const parsed = parseName(spec.name);
    if (!parsed) throw new InputError(`"${spec.name}" is not a Frigga server group name`, [{ pointer: '/serverGroupName', message: 'not a Frigga name' }]);
    const capErrors = capacityErrors(spec.capacity, '/capacity');
    if (capErrors.length > 0) throw new InputError(`invalid capacity: ${capErrors.map((e) => e.message).join('; ')}`, capErrors);
    const image = spec.image.id ? await this.repo.image(spec.image.id) : null;
    if (!image) throw new InputError(`no local image ${spec.image.id || spec.image.name || '(none)'}: bake it first`, [{ pointer: '/imageId', message: 'no such local image' }]);
    const extra = spec.extra ?? {};
    const lbConfig = isPlainObject(extra['localLoadBalancers']) ? extra['localLoadBalancers'] : {};
    const lbs = [...new Set([...(spec.loadBalancers ?? []), ...(spec.targetGroups ?? [])])];
    for (const name of lbs) await this.ensureLoadBalancer(spec.account, spec.region, name, spec.application, lbConfig[name]);
    const healthPath = typeof extra['healthCheckPath'] === 'string' && extra['healthCheckPath'].startsWith('/') ? extra['healthCheckPath'] : DEFAULT_HEALTH_PATH;
    await this.repo.insertGroup({
      account: spec.account,
      region: spec.region,
      name: spec.name,
      application: spec.application,
      cluster: parsed.cluster,
      stack: parsed.stack,
      detail: parsed.detail,
      sequence: parsed.sequence,
      imageId: image.id,
      capacity: { ...spec.capacity },
      enabled: spec.startDisabled !== true,
      loadBalancers: lbs,
      healthCheckPath: healthPath,
      gracePeriodSec: spec.healthCheckGracePeriodSeconds ?? 60,
      env: { ...(spec.env ?? {}) },
      tags: { ...(spec.tags ?? {}) },
      launchConfig: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
      state: 'active',
      createdAt: new Date(),
    });
    const created = await this.repo.group(spec.account, spec.region, spec.name);
    return (await this.views([created as LocalServerGroupEntity]))[0] as ServerGroup;
  }

  /** A balancer is created with the first group that names it: on its configured port, or a free one. */
  private async ensureLoadBalancer(account: string, region: string, name: string, application: string, config: unknown): Promise<void> {
    const wantedPort = isPlainObject(config) && typeof config['port'] === 'number' ? config['port'] : undefined;
    const existing = await this.repo.loadBalancer(account, region, name);
    if (existing) {
      if (wantedPort !== undefined && wantedPort !== existing.port) {
        throw new InputError(`load balancer ${name} already listens on port ${existing.port}, not ${wantedPort}`, [
          { pointer: `/localLoadBalancers/${name}/port`, message: `is ${existing.port}` },
        ]);
      }
      return;
    }
    const port = wantedPort ?? (await freePort());
    const lb: LocalLoadBalancerEntity = { account, region, name, application, port, weights: {}, createdAt: new Date() };
    try {
      await this.repo.insertLoadBalancer(lb);
    } catch (err) {
      throw new InputError(`port ${port} is taken by another load balancer: ${errorMessage(err)}`, [{ pointer: `/localLoadBalancers/${name}/port`, message: 'port in use' }]);
    }
  }

  private async mustGet(account: string, region: string, name: string): Promise<LocalServerGroupEntity> {
    this.check(account, region);
    const g = await this.repo.group(account, region, name);
    if (!g || g.state !== 'active') throw new InputError(`server group ${name} does not exist in ${account}/${region}`, [{ pointer: '/serverGroupName', message: 'no such server group' }]);
    return g;
  }

  async resizeServerGroup(account: string, region: string, name: string, capacity: Capacity): Promise<void> {
    await this.mustGet(account, region, name);
    const errors = capacityErrors(capacity, '/capacity');
    if (errors.length > 0) throw new InputError(`invalid capacity: ${errors.map((e) => e.message).join('; ')}`, errors);
    await this.repo.updateGroup(account, region, name, { capacity: { min: capacity.min, max: capacity.max, desired: capacity.desired } });
  }

  async enableServerGroup(account: string, region: string, name: string): Promise<void> {
    const g = await this.mustGet(account, region, name);
    await this.repo.updateGroup(account, region, name, { enabled: true });
    if (g.loadBalancers.length > 0) await this.untilRouted(`enabling ${name}`);
  }

  /** Returns once its load balancers send it no new request (as a disable in AWS returns once the instances are out of service). */
  async disableServerGroup(account: string, region: string, name: string): Promise<void> {
    const g = await this.mustGet(account, region, name);
    await this.repo.updateGroup(account, region, name, { enabled: false });
    await this.repo.dropWeight(account, region, name);
    if (g.loadBalancers.length > 0) await this.untilRouted(`disabling ${name}`);
  }

  /** Marks it destroying: the host stops its instances (drained first), then deletes it. */
  async destroyServerGroup(account: string, region: string, name: string): Promise<void> {
    this.check(account, region);
    const n = await this.repo.updateGroup(account, region, name, { state: 'destroying', enabled: false });
    await this.repo.dropWeight(account, region, name);
    if (n > 0) await this.untilRouted(`destroying ${name}`);
  }

  /**
   * Waits until the host's load balancers reflect every change committed so far. No wait when no
   * host has routed for a while (none runs, so no balancer serves: the next host starts from the
   * database). A host that is alive but slow makes this fail, and the task retries.
   */
  private async untilRouted(what: string): Promise<void> {
    const since = await this.repo.requestRouting();
    const deadline = Date.now() + ROUTING_TIMEOUT_MS;
    for (;;) {
      const r = await this.repo.routedSince(since, ROUTING_STALE_MS);
      if (r.routed || r.stale) return;
      if (Date.now() > deadline) throw new Error(`${what}: the local host has not updated its load balancers within ${ROUTING_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // --- load balancers ---------------------------------------------------------------------------

  async listLoadBalancers(account: string, region: string, filter: { application?: string }): Promise<LoadBalancer[]> {
    this.check(account, region);
    const lbs = await this.repo.loadBalancers({ account, region, ...(filter.application ? { application: filter.application } : {}) });
    const groups = (await this.repo.groups({ account, region })).filter((g) => g.state === 'active');
    const views = await this.views(groups);
    return lbs.map((lb) => ({
      name: lb.name,
      account,
      region,
      type: 'local-http',
      address: `http://127.0.0.1:${lb.port}`,
      serverGroups: views
        .filter((g) => g.loadBalancers.includes(lb.name))
        .map((g) => ({
          name: g.name,
          enabled: g.enabled,
          ...(lb.weights[g.name] !== undefined ? { weight: lb.weights[g.name] } : {}),
          healthyInstances: g.instances.filter((i) => i.health === 'Up').length,
        })),
    }));
  }

  async setTrafficWeights(account: string, region: string, loadBalancer: string, weights: Record<string, number>): Promise<void> {
    this.check(account, region);
    for (const [k, v] of Object.entries(weights)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(`weight of ${k} must be a number >= 0`, [{ pointer: `/weights/${k}`, message: 'must be a number >= 0' }]);
    }
    const n = await this.repo.setWeights(account, region, loadBalancer, { ...weights });
    if (n === 0) throw new InputError(`no load balancer ${loadBalancer} in ${account}/${region}`, [{ pointer: '/loadBalancer', message: 'no such load balancer' }]);
    await this.untilRouted(`setting the weights of ${loadBalancer}`);
  }
}
