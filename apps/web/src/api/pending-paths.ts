/**
 * Paths of API.md that other engineers are building and that the OpenAPI document does not hold
 * yet (the canary results). Typed here after API.md so the pages can
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

export interface CanaryMetricJudgment {
  name: string;
  classification: string;
  critical?: boolean;
  deviation?: number | null;
  interval?: number[] | null;
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
  startTime?: string;
  endTime?: string;
  score: number;
  classification?: string;
  reason?: string;
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
  scoreThresholds?: { pass: number; marginal: number };
  configName?: string;
  pipelineName?: string;
  stageName?: string;
  message?: string | null;
  intervals: CanaryIntervalView[];
}

export interface PendingPaths {
  '/api/v1/canary/results/{id}': PathItem<{ id: string }, { get: Get<CanaryResultView, { id: string }> }>;
  '/api/v1/canary/configs': PathItem<never, { get: Get<Array<Record<string, unknown>>>; post: Post<Record<string, unknown>, Record<string, unknown>> }>;
}
