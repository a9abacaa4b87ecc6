import { InputError } from '@gennaker/common';
import { parseName } from '../frigga.util';
import type {
  BakeRequest,
  BakeState,
  Capacity,
  CloudAccount,
  CloudProvider,
  ClusterLock,
  Image,
  Instance,
  LoadBalancer,
  ServerGroup,
  ServerGroupSpec,
} from '../provider.port';

export interface InMemoryProviderOptions {
  accounts?: CloudAccount[];
  /** The clock (the engine's virtual clock in unit tests). */
  now?: () => number;
  /** How long a new instance takes to come up. */
  startupMs?: number;
  /** Images whose instances never come up (a broken build). */
  unhealthyImages?: string[];
}

interface StoredGroup {
  group: ServerGroup;
  launched: number[];
}

/**
 * A cloud in memory for unit specs: instances come up `startupMs` after they launch (by the
 * given clock), except those of an unhealthy image. Every mutating call is logged with the state
 * of the cluster at that moment, so specs can assert orderings ("disabled only after healthy").
 */
export class InMemoryProvider implements CloudProvider {
  readonly type = 'local' as const;
  readonly pollIntervalMs = 1000;
  readonly calls: Array<{ op: string; args: unknown[]; at: number }> = [];
  readonly images = new Map<string, Image>();
  private readonly groups = new Map<string, StoredGroup>();
  readonly weights = new Map<string, Record<string, number>>();
  private readonly bakes = new Map<string, BakeState>();
  private readonly bakeImages = new Map<string, Image>();
  private ids = 0;
  private readonly now: () => number;
  /** Fail the next call of this operation (a throttled or broken cloud). */
  failNext: Partial<Record<string, Error>> = {};

  constructor(private readonly options: InMemoryProviderOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  accounts(): CloudAccount[] {
    return this.options.accounts ?? [{ name: 'test', provider: 'local', regions: ['r1', 'r2'], environment: 'test' }];
  }

  private key(account: string, region: string, name: string): string {
    return `${account}/${region}/${name}`;
  }

  private log(op: string, ...args: unknown[]): void {
    this.calls.push({ op, args, at: this.now() });
    const err = this.failNext[op];
    if (err) {
      delete this.failNext[op];
      throw err;
    }
  }

  private view(s: StoredGroup): ServerGroup {
    const now = this.now();
    const unhealthy = (this.options.unhealthyImages ?? []).includes(s.group.image.id);
    const instances: Instance[] = s.launched.map((t, i) => {
      const health = unhealthy ? 'Down' : now - t >= (this.options.startupMs ?? 0) ? 'Up' : 'Starting';
      return {
        id: `${s.group.name}-i${i}`,
        health,
        launchTime: t,
        healthDetails: s.group.loadBalancers.map((lb) => ({ source: `loadBalancer:${lb}`, state: health === 'Up' && s.group.enabled ? 'InService' : 'OutOfService' })),
      };
    });
    return structuredClone({ ...s.group, instances });
  }

  /** Adds a group directly (a cluster's history before the spec starts). */
  seed(spec: ServerGroupSpec & { createdTime?: number; enabled?: boolean }): ServerGroup {
    const parsed = parseName(spec.name);
    const group: ServerGroup = {
      name: spec.name,
      account: spec.account,
      region: spec.region,
      application: spec.application,
      cluster: parsed?.cluster ?? spec.name,
      ...(spec.stack ? { stack: spec.stack } : {}),
      ...(spec.detail ? { detail: spec.detail } : {}),
      sequence: parsed?.sequence ?? null,
      enabled: spec.enabled ?? !spec.startDisabled,
      capacity: { ...spec.capacity },
      image: { ...spec.image },
      instances: [],
      createdTime: spec.createdTime ?? this.now(),
      loadBalancers: [...(spec.loadBalancers ?? [])],
      targetGroups: [...(spec.targetGroups ?? [])],
      tags: { ...(spec.tags ?? {}) },
      launchConfig: { ...spec } as unknown as Record<string, unknown>,
    };
    const stored = { group, launched: Array.from({ length: spec.capacity.desired }, () => (spec.createdTime ?? this.now()) - (this.options.startupMs ?? 0)) };
    this.groups.set(this.key(spec.account, spec.region, spec.name), stored);
    return this.view(stored);
  }

  async findImages(account: string, region: string, query: { id?: string; name?: string; tags?: Record<string, string> }): Promise<Image[]> {
    return [...this.images.values()].filter(
      (i) =>
        i.account === account &&
        i.region === region &&
        (query.id === undefined || i.id === query.id) &&
        (query.name === undefined || i.name === query.name) &&
        Object.entries(query.tags ?? {}).every(([k, v]) => i.tags[k] === v),
    );
  }

  async startBake(request: BakeRequest): Promise<BakeState> {
    this.log('startBake', request);
    const existing = [...this.images.values()].find((i) => i.tags['inputsHash'] === request.inputsHash && i.region === request.region);
    const bakeId = `bake-${++this.ids}`;
    if (existing && !request.rebake) {
      const s: BakeState = { state: 'completed', bakeId, image: existing, reused: true };
      this.bakes.set(bakeId, s);
      return s;
    }
    const image: Image = {
      id: `img-${request.inputsHash.slice(0, 8)}-${this.ids}`,
      name: `${request.package}-${request.version ?? 'latest'}`,
      account: request.account,
      region: request.region,
      createdTime: this.now(),
      tags: { ...(request.tags ?? {}), inputsHash: request.inputsHash },
    };
    this.images.set(image.id, image);
    this.bakeImages.set(bakeId, image);
    this.bakes.set(bakeId, { state: 'running', bakeId });
    return { state: 'running', bakeId };
  }

  async bakeStatus(_account: string, _region: string, bakeId: string): Promise<BakeState> {
    const s = this.bakes.get(bakeId);
    if (!s) return { state: 'failed', bakeId, message: 'unknown bake' };
    if (s.state === 'running') {
      const image = this.bakeImages.get(bakeId) as Image;
      const done: BakeState = { state: 'completed', bakeId, image, reused: false };
      this.bakes.set(bakeId, done);
      return done;
    }
    return s;
  }

  async listServerGroups(account: string, region: string, filter: { application: string; cluster?: string }): Promise<ServerGroup[]> {
    return [...this.groups.values()]
      .filter((s) => s.group.account === account && s.group.region === region && s.group.application === filter.application && (!filter.cluster || s.group.cluster === filter.cluster))
      .map((s) => this.view(s));
  }

  async getServerGroup(account: string, region: string, name: string): Promise<ServerGroup | null> {
    const s = this.groups.get(this.key(account, region, name));
    return s ? this.view(s) : null;
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    this.log('createServerGroup', spec.name, spec);
    const existing = this.groups.get(this.key(spec.account, spec.region, spec.name));
    if (existing) return this.view(existing);
    if (!parseName(spec.name)) throw new InputError(`bad name ${spec.name}`, [{ pointer: '/name', message: 'not a Frigga name' }]);
    const g = this.seed({ ...spec, createdTime: this.now() });
    const stored = this.groups.get(this.key(spec.account, spec.region, spec.name)) as StoredGroup;
    stored.launched = Array.from({ length: spec.capacity.desired }, () => this.now());
    return { ...g, instances: this.view(stored).instances };
  }

  private mustGet(account: string, region: string, name: string): StoredGroup {
    const s = this.groups.get(this.key(account, region, name));
    if (!s) throw new InputError(`server group ${name} not found`, [{ pointer: '/serverGroupName', message: 'not found' }]);
    return s;
  }

  async resizeServerGroup(account: string, region: string, name: string, capacity: Capacity): Promise<void> {
    this.log('resizeServerGroup', name, capacity);
    const s = this.mustGet(account, region, name);
    s.group.capacity = { ...capacity };
    if (s.launched.length > capacity.desired) s.launched = s.launched.slice(0, capacity.desired);
    while (s.launched.length < capacity.desired) s.launched.push(this.now());
  }

  async enableServerGroup(account: string, region: string, name: string): Promise<void> {
    this.log('enableServerGroup', name);
    this.mustGet(account, region, name).group.enabled = true;
  }

  async disableServerGroup(account: string, region: string, name: string): Promise<void> {
    this.log('disableServerGroup', name, this.snapshot(account, region));
    this.mustGet(account, region, name).group.enabled = false;
  }

  async destroyServerGroup(account: string, region: string, name: string): Promise<void> {
    this.log('destroyServerGroup', name);
    this.groups.delete(this.key(account, region, name));
  }

  async listLoadBalancers(account: string, region: string): Promise<LoadBalancer[]> {
    const names = new Set([...this.groups.values()].filter((s) => s.group.account === account && s.group.region === region).flatMap((s) => s.group.loadBalancers));
    return [...names].map((name) => ({
      name,
      account,
      region,
      type: 'memory',
      serverGroups: [...this.groups.values()]
        .filter((s) => s.group.loadBalancers.includes(name))
        .map((s) => ({ name: s.group.name, enabled: s.group.enabled, healthyInstances: this.view(s).instances.filter((i) => i.health === 'Up').length, weight: this.weights.get(name)?.[s.group.name] })),
    }));
  }

  async setTrafficWeights(_account: string, _region: string, loadBalancer: string, weights: Record<string, number>): Promise<void> {
    this.log('setTrafficWeights', loadBalancer, weights);
    if (Object.keys(weights).length === 0) this.weights.delete(loadBalancer);
    else this.weights.set(loadBalancer, { ...weights });
  }

  /** name -> {enabled, up, desired} of every group in a region, as the cluster looked at a call. */
  snapshot(account: string, region: string): Record<string, { enabled: boolean; up: number; desired: number }> {
    const out: Record<string, { enabled: boolean; up: number; desired: number }> = {};
    for (const s of this.groups.values()) {
      if (s.group.account !== account || s.group.region !== region) continue;
      const v = this.view(s);
      out[s.group.name] = { enabled: v.enabled, up: v.instances.filter((i) => i.health === 'Up').length, desired: v.capacity.desired };
    }
    return out;
  }
}

/**
 * The cluster lock in memory, with the Postgres lock's rules: re-entrant per owner, leases, and
 * the lock of an owner that `isAlive` says has ended is free.
 */
export class InMemoryClusterLock implements ClusterLock {
  readonly held = new Map<string, { owner: string; expires: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly isAlive: (owner: string) => boolean = () => true,
  ) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<{ acquired: boolean; holder?: string }> {
    const h = this.held.get(key);
    if (h && h.owner !== owner && h.expires > this.now() && this.isAlive(h.owner)) return { acquired: false, holder: h.owner };
    this.held.set(key, { owner, expires: this.now() + ttlMs });
    return { acquired: true };
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.held.get(key)?.owner === owner) this.held.delete(key);
  }
}
