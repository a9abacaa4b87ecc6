/**
 * A pipeline config in Spinnaker's JSON shape (Front50's). Field names are Spinnaker's so that
 * exported pipelines load unchanged. Every stage key that is not one of STAGE_COMMON_KEYS is the
 * stage's own context (e.g. `waitTime` of a wait stage).
 */
export interface PipelineConfig {
  id?: string;
  application: string;
  name: string;
  stages: StageConfig[];
  triggers?: TriggerConfig[];
  parameterConfig?: ParameterConfig[];
  /** Spinnaker's default is true: one running execution per pipeline, the rest BUFFERED. */
  limitConcurrent?: boolean;
  /** When > 0 (and limitConcurrent false), at most this many run at once. */
  maxConcurrentExecutions?: number;
  /** false (default): only the newest waiting execution is kept, older waiting ones are canceled. */
  keepWaitingPipelines?: boolean;
  notifications?: NotificationConfig[];
  expectedArtifacts?: ExpectedArtifact[];
  disabled?: boolean;
  description?: string;
  /** Optimistic concurrency: the version this update was based on. */
  version?: number;
  [key: string]: unknown;
}

export interface StageConfig {
  refId: string;
  type: string;
  name?: string;
  requisiteStageRefIds?: string[];
  /** `{type: 'expression', expression: '...'}`: when it evaluates false the stage is SKIPPED. */
  stageEnabled?: { type?: string; expression: string };
  failPipeline?: boolean;
  continuePipeline?: boolean;
  completeOtherBranchesThenFail?: boolean;
  failOnFailedExpressions?: boolean;
  overrideTimeout?: boolean;
  stageTimeoutMs?: number;
  restrictExecutionDuringTimeWindow?: boolean;
  restrictedExecutionWindow?: RestrictedExecutionWindow;
  notifications?: NotificationConfig[];
  sendNotifications?: boolean;
  comments?: string;
  [key: string]: unknown;
}

/** Keys with engine meaning on every stage; all others belong to the stage type's context. */
export const STAGE_COMMON_KEYS = [
  'refId',
  'type',
  'name',
  'requisiteStageRefIds',
  'stageEnabled',
  'failPipeline',
  'continuePipeline',
  'completeOtherBranchesThenFail',
  'failOnFailedExpressions',
  'overrideTimeout',
  'stageTimeoutMs',
  'restrictExecutionDuringTimeWindow',
  'restrictedExecutionWindow',
  'notifications',
  'sendNotifications',
  'comments',
] as const;

export type StageCommonKey = (typeof STAGE_COMMON_KEYS)[number];

/** The keys of a stage that the engine reads; everything else is the stage type's context. */
export type StageCommon = Pick<StageConfig, StageCommonKey>;

/**
 * A pipeline document whose `application` and `name` may come from elsewhere: a file in an
 * application's pipelines repository, or an import that names the application. Saving needs both.
 */
export type PipelineDraft = {
  [K in keyof PipelineConfig as K extends 'application' | 'name' ? never : K]: PipelineConfig[K];
} & { application?: string; name?: string };

export interface RestrictedExecutionWindow {
  /** Time ranges within a day, in the window's time zone. */
  whitelist?: Array<{ startHour: number; startMin: number; endHour: number; endMin: number }>;
  /** ISO days 1 (Monday) .. 7 (Sunday); empty or absent means every day. */
  days?: number[];
  /** IANA zone; defaults to UTC. */
  timeZone?: string;
  jitter?: { enabled?: boolean; minDelay?: number; maxDelay?: number; skipManual?: boolean };
}

export interface TriggerConfig {
  type: string;
  enabled?: boolean;
  [key: string]: unknown;
}

export interface ParameterConfig {
  name: string;
  label?: string;
  description?: string;
  default?: string | null;
  required?: boolean;
  hasOptions?: boolean;
  /** Values are strings once normalised (exports sometimes hold numbers). */
  options?: Array<{ value: string }>;
  pinned?: boolean;
  [key: string]: unknown;
}

export interface NotificationConfig {
  type: string;
  address?: string;
  when?: string[];
  level?: string;
  message?: Record<string, { text?: string }>;
  [key: string]: unknown;
}

export interface ExpectedArtifact {
  id: string;
  displayName?: string;
  matchArtifact?: Record<string, unknown>;
  defaultArtifact?: Record<string, unknown>;
  useDefaultArtifact?: boolean;
  usePriorArtifact?: boolean;
  [key: string]: unknown;
}

/** What a stage type contributes to validation and to the served JSON schema. */
export interface StageTypeInfo {
  type: string;
  /** Spinnaker names accepted for this type (e.g. `canary` for `kayentaCanary`). */
  aliases?: string[];
  label?: string;
  description?: string;
  /** JSON Schema (draft 2020-12 subset understood by Ajv) of the stage's own context keys. */
  contextSchema?: Record<string, unknown>;
}
