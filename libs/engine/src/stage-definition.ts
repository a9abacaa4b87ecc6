import type { Execution, Stage } from './model';
import type { QueueName } from './messages';
import type { TaskStatus } from './status';

export interface TaskSpec {
  /** Shown in the UI, e.g. `waitForUpInstances`. */
  name: string;
  /** Key of the Task implementation. */
  type: string;
}

/** A child stage planned by its parent, run before or after the parent's own tasks. */
export interface SyntheticStageSpec {
  type: string;
  name: string;
  context: Record<string, unknown>;
  /** Local id among siblings; default: sequential in the order given. */
  refId?: string;
  requisiteStageRefIds?: string[];
}

export interface StagePlan {
  tasks: TaskSpec[];
  before?: SyntheticStageSpec[];
  after?: SyntheticStageSpec[];
}

/** Read-only view of a stage for planning. */
export interface PlanningInput {
  stage: Readonly<Stage>;
  execution: Readonly<Execution>;
}

/**
 * A stage type. It only plans (after Orca's StageDefinitionBuilder): it lists its tasks and may
 * add synthetic stages before, after and on failure. It performs no I/O.
 */
export interface StageDefinition {
  type: string;
  /** Spinnaker names this type also answers to. */
  aliases?: string[];
  label: string;
  description: string;
  /** JSON Schema of the stage's own context keys; used at validate time and for the docs. */
  contextSchema?: Record<string, unknown>;
  /** Outputs the stage writes, for the reference docs: name -> description. */
  outputs?: Record<string, string>;
  /** An example stage JSON for the docs. */
  example?: Record<string, unknown>;
  /** Every task type plan() may return, so the registry can check them at start-up. */
  taskTypes: string[];
  /** Synthetic stage types plan() may create, checked at start-up too. */
  syntheticStageTypes?: string[];
  plan(input: PlanningInput): StagePlan;
  /** Stages to run when this stage fails (e.g. a deploy's rollback). Run in order. */
  onFailure?(input: PlanningInput): SyntheticStageSpec[];
  /** Semantic checks at validate time beyond the schema; pointers relative to the stage. */
  validate?(context: Record<string, unknown>): Array<{ pointer: string; message: string }>;
  /** Not offered to users (e.g. the time-window stage the engine plans itself). */
  internal?: boolean;
}

export interface TaskResult {
  status: TaskStatus;
  /** Merged into the stage's context. */
  context?: Record<string, unknown>;
  /** Merged into the stage's outputs (visible to later stages' expressions). */
  outputs?: Record<string, unknown>;
  /** When RUNNING: poll again after this long (overrides the task's backoff). */
  backoffMs?: number;
  /** When failing: why, shown as the stage's error if it is the first. */
  error?: { message: string; code?: string; details?: Array<{ pointer: string; message: string }> };
}

/** What a task sees when it runs. */
export interface TaskInput {
  execution: Readonly<Execution>;
  stage: Readonly<Stage>;
  task: Readonly<import('./model').Task>;
  /** Running time of the stage excluding paused time. */
  stageElapsedMs: number;
  taskElapsedMs: number;
  now: number;
  /** Aborted when the execution is canceled or the invocation times out. */
  signal: AbortSignal;
  /** Looks a key up in the stage context, then in upstream stages' outputs (nearest first). */
  lookup(key: string): unknown;
}

/**
 * One side effect or one poll. Idempotent: it records what it is about to create before creating
 * it and, on retry, finds it instead of creating a second one.
 */
export interface TaskImplementation {
  type: string;
  /** Which queue runs it; default `tasks`. */
  queue?: QueueName;
  /** How long until a RUNNING task is polled again. */
  backoffMs?(input: TaskInput): number;
  /** Task timeout from its own start (paused time excluded). */
  timeoutMs?(input: TaskInput): number;
  /** Longest a single execute() call may take before it is aborted and retried. */
  invocationTimeoutMs?: number;
  /** Attempts for thrown non-input errors before the task fails (default 5). */
  maxAttempts?: number;
  /**
   * Pure and quick (no I/O, no waiting): the engine may run it in the same transaction as the
   * step that starts it, under the execution's lock, instead of queueing it. A poll it answers
   * with RUNNING still goes through the queue.
   */
  inline?: boolean;
  execute(input: TaskInput): Promise<TaskResult>;
  onCancel?(input: TaskInput): Promise<TaskResult | void>;
  onTimeout?(input: TaskInput): Promise<TaskResult | void>;
}

/** What a feature module contributes to the registry. */
export interface StagePlugin {
  name: string;
  definitions: StageDefinition[];
  tasks: TaskImplementation[];
}
