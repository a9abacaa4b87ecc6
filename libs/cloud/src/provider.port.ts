/**
 * The cloud provider port (after Spinnaker's Clouddriver): what deploy strategies, stages and the
 * clusters API need from any cloud. Implemented by @gennaker/cloud-aws (EC2 Auto Scaling groups,
 * ELBv2 target groups, AMIs) and @gennaker/cloud-local (supervised processes behind a weighted
 * HTTP load balancer). Nothing outside an adapter knows which one it talks to.
 *
 * Every mutating call is idempotent: creating a server group that exists (same name) is a no-op
 * that returns it; destroying one that is gone succeeds.
 */

export type ProviderType = 'aws' | 'local';

export interface Capacity {
  min: number;
  max: number;
  desired: number;
}

/** A cloud account as configured (credentials never leave the adapter). */
export interface CloudAccount {
  name: string;
  provider: ProviderType;
  regions: string[];
  /** e.g. prod, test: shown in the UI, usable in permissions. */
  environment: string;
  permissions?: { READ?: string[]; WRITE?: string[] };
  /** Provider-specific defaults (subnet type, security groups, key pair, instance profile...). */
  defaults?: Record<string, unknown>;
}

export type InstanceHealth = 'Up' | 'Down' | 'Starting' | 'OutOfService' | 'Unknown';

export interface Instance {
  id: string;
  health: InstanceHealth;
  /** Why it is not Up, per health source (ASG lifecycle, target group, HTTP check). */
  healthDetails?: Array<{ source: string; state: string; description?: string }>;
  zone?: string;
  launchTime?: number;
  /** Where the instance serves (local: http://127.0.0.1:port). */
  address?: string;
}

export interface ImageRef {
  /** Provider image id: an AMI id, a local image digest. */
  id: string;
  name?: string;
}

export interface ServerGroup {
  name: string;
  account: string;
  region: string;
  application: string;
  cluster: string;
  stack?: string;
  detail?: string;
  /** The vNNN number; null for a name without version. */
  sequence: number | null;
  /** Enabled = taking traffic from its load balancers. */
  enabled: boolean;
  capacity: Capacity;
  image: ImageRef;
  instances: Instance[];
  createdTime: number;
  loadBalancers: string[];
  /** AWS target groups (the local provider reports its cluster's balancer here too). */
  targetGroups: string[];
  tags: Record<string, string>;
  /** The launch parameters it was created with, to clone it (rollback, useSourceCapacity...). */
  launchConfig?: Record<string, unknown>;
}

export interface ServerGroupSpec {
  account: string;
  region: string;
  /** Full Frigga name, version included; chosen and recorded in the stage before creation. */
  name: string;
  application: string;
  stack?: string;
  detail?: string;
  image: ImageRef;
  capacity: Capacity;
  loadBalancers?: string[];
  targetGroups?: string[];
  /** AWS: EC2 | ELB. */
  healthCheckType?: string;
  healthCheckGracePeriodSeconds?: number;
  instanceType?: string;
  userData?: string;
  securityGroups?: string[];
  keyPair?: string;
  iamInstanceProfile?: string;
  subnetType?: string;
  /** Start disabled (not registered with its load balancers), e.g. a canary's groups before traffic. */
  startDisabled?: boolean;
  tags?: Record<string, string>;
  /** Environment for the instances (local provider) or extra user-data variables. */
  env?: Record<string, string>;
  /** Anything provider-specific the stage passed through unchanged. */
  extra?: Record<string, unknown>;
}

export interface LoadBalancer {
  name: string;
  account: string;
  region: string;
  type: string;
  /** Where it listens (local: http://127.0.0.1:port). */
  address?: string;
  /** Server groups it sends traffic to, with their weight (local) or registration (AWS). */
  serverGroups: Array<{ name: string; enabled: boolean; weight?: number; healthyInstances: number }>;
}

export interface Image {
  id: string;
  name: string;
  account: string;
  region: string;
  createdTime: number;
  tags: Record<string, string>;
}

export interface BakeRequest {
  account: string;
  region: string;
  /** Package to install (name), and its version. */
  package: string;
  version?: string;
  /** Base image: an id, or a name (and owner) to look up. */
  baseImage?: { id?: string; name?: string; owner?: string };
  /** Provider-specific inputs (local: a directory or git repo + commit; AWS: instance type, user data...). */
  inputs: Record<string, unknown>;
  /** Hash of everything above: a bake with the same hash reuses the image unless rebake. */
  inputsHash: string;
  rebake?: boolean;
  tags?: Record<string, string>;
}

export type BakeState =
  | { state: 'running'; bakeId: string; message?: string }
  | { state: 'completed'; bakeId: string; image: Image; reused: boolean }
  | { state: 'failed'; bakeId: string; message: string };

export interface CloudProvider {
  readonly type: ProviderType;
  accounts(): CloudAccount[];

  // --- images -----------------------------------------------------------------------------------
  findImages(account: string, region: string, query: { id?: string; name?: string; tags?: Record<string, string> }): Promise<Image[]>;
  /** Starts a bake (or finds the one with the same inputs hash). Returns at once. */
  startBake(request: BakeRequest): Promise<BakeState>;
  /** Polls a bake started by startBake; cleans up its builder when it ends either way. */
  bakeStatus(account: string, region: string, bakeId: string): Promise<BakeState>;
  /** Stops a running bake and cleans up (on cancel). */
  cancelBake?(account: string, region: string, bakeId: string): Promise<void>;

  // --- server groups -----------------------------------------------------------------------------
  /** Server groups of an application (optionally one cluster) in an account and region. */
  listServerGroups(account: string, region: string, filter: { application: string; cluster?: string }): Promise<ServerGroup[]>;
  getServerGroup(account: string, region: string, name: string): Promise<ServerGroup | null>;
  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup>;
  resizeServerGroup(account: string, region: string, name: string, capacity: Capacity): Promise<void>;
  /** Puts it (back) behind its load balancers and lets it launch/replace instances. */
  enableServerGroup(account: string, region: string, name: string): Promise<void>;
  /** Takes it out of its load balancers (no new traffic); instances keep running. */
  disableServerGroup(account: string, region: string, name: string): Promise<void>;
  destroyServerGroup(account: string, region: string, name: string): Promise<void>;

  // --- load balancers ----------------------------------------------------------------------------
  listLoadBalancers(account: string, region: string, filter: { application?: string }): Promise<LoadBalancer[]>;
  /**
   * Optional: share of traffic per enabled server group of one load balancer (canary splits).
   * Providers that cannot weigh traffic split it in proportion to instances instead.
   */
  setTrafficWeights?(account: string, region: string, loadBalancer: string, weights: Record<string, number>): Promise<void>;

  // --- optional, added with the local provider (all backwards compatible) -------------------------
  /** How often tasks should poll this provider while they wait (instances, bakes); default 5 s. */
  readonly pollIntervalMs?: number;
  /** Called once when the process starts (after the database is up) and on a clean shutdown. */
  start?(): Promise<void>;
  shutdown?(): Promise<void>;

  // --- optional, added with the AWS provider (backwards compatible) ------------------------------
  /**
   * States of named alarms (AWS: CloudWatch), for deploys that roll back when one fires during a
   * watch window, as CodeDeploy does. A name with no alarm answers MISSING, never OK.
   */
  alarmStates?(account: string, region: string, names: string[]): Promise<AlarmState[]>;
}

export interface AlarmState {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'MISSING';
  reason?: string;
  updatedTime?: number;
}

/** Finds the provider for an account; throws an InputError naming the account when unknown. */
export interface CloudProviderRegistry {
  accounts(): CloudAccount[];
  account(name: string): CloudAccount;
  providerFor(account: string): CloudProvider;
}

/**
 * One cluster is never changed by two executions at once. `acquire` answers false (with the
 * holder) while another owner holds it; holders renew by acquiring again; leases expire.
 */
export interface ClusterLock {
  acquire(key: string, owner: string, ttlMs: number): Promise<{ acquired: boolean; holder?: string }>;
  release(key: string, owner: string): Promise<void>;
}

export const CLOUD_PROVIDER_REGISTRY = 'gennaker:CloudProviderRegistry';
export const CLUSTER_LOCK = 'gennaker:ClusterLock';
