/**
 * Paths of API.md that other engineers are building and that the OpenAPI document does not hold
 * yet (clusters, accounts, canary, me). Typed here after API.md so the pages can
 * be written against the same typed client; `ApiPaths` prefers the generated type of a path as soon
 * as the document has it, so a difference in shape then shows up as a type error in the page.
 */
type PathParams<P> = [P] extends [never] ? { path?: never } : { path: P };
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type Get<Res, Path = never, Query = never> = {
  parameters: { query?: Query; header?: never; cookie?: never } & PathParams<Path>;
  requestBody?: never;
  responses: { 200: Json<Res> };
};
type Post<Body, Res, Path = never> = {
  parameters: { query?: never; header?: never; cookie?: never } & PathParams<Path>;
  requestBody: { content: { 'application/json': Body } };
  responses: { 200: Json<Res>; 201: Json<Res> };
};
type Method = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type PathItem<P, Ops> = { parameters: { query?: never; header?: never; cookie?: never } & PathParams<P> } & { [M in Exclude<Method, keyof Ops>]?: never } & Ops;

export interface AccountView {
  name: string;
  provider: 'aws' | 'local' | string;
  regions: string[];
  environment?: string;
  permissions?: Record<string, string[]>;
}

export interface ServerGroupView {
  name: string;
  region: string;
  enabled: boolean;
  capacity: { min: number; max: number; desired: number };
  instances: { total: number; up: number; down: number; starting: number };
  image?: string | null;
  imageId?: string | null;
  createdTime?: string | number | null;
  loadBalancers?: string[];
}

export interface ClusterView {
  account: string;
  name: string;
  serverGroups: ServerGroupView[];
  /** Where the cluster's load balancers listen (local: http://127.0.0.1:port). */
  loadBalancers?: Array<{ name: string; region: string; address: string | null }>;
}

export interface CanaryMetricJudgment {
  name: string;
  classification: string;
  critical?: boolean;
  deviation?: string | null;
  interval?: [number, number] | number[] | null;
  estimate?: number | null;
  pValue?: number | null;
  /** Raw samples, when the run stored them. */
  control?: number[];
  experiment?: number[];
  /** The judge's descriptive statistics (always reported by @gennaker/canary's judge). */
  controlStats?: MetricStatsView;
  experimentStats?: MetricStatsView;
  reason?: string;
}

export interface MetricStatsView {
  count: number;
  mean: number;
  min: number;
  max: number;
  median: number;
  std: number;
}

export interface CanaryIntervalView {
  index?: number;
  time?: string;
  startTime?: string;
  endTime?: string;
  score: number;
  classification?: string;
  metrics?: CanaryMetricJudgment[];
}

export interface CanaryResultView {
  id: string;
  executionId?: string | null;
  stageId?: string | null;
  application?: string | null;
  status?: string;
  score?: number | null;
  classification?: string | null;
  config?: Record<string, unknown> | null;
  intervals: CanaryIntervalView[];
  [key: string]: unknown;
}

export interface MeView {
  name: string;
  roles: string[];
  admin: boolean;
}

export interface PendingPaths {
  '/api/v1/accounts': PathItem<never, { get: Get<AccountView[]> }>;
  '/api/v1/applications/{app}/clusters': PathItem<{ app: string }, { get: Get<ClusterView[], { app: string }> }>;
  '/api/v1/canary/results/{id}': PathItem<{ id: string }, { get: Get<CanaryResultView, { id: string }> }>;
  '/api/v1/canary/configs': PathItem<never, { get: Get<Array<Record<string, unknown>>>; post: Post<Record<string, unknown>, Record<string, unknown>> }>;
  '/api/v1/me': PathItem<never, { get: Get<MeView> }>;
}
