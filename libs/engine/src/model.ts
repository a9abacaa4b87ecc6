import type { ExecutionStatus } from './status';

export type ExecutionType = 'PIPELINE' | 'ORCHESTRATION';
export type SyntheticStageOwner = 'STAGE_BEFORE' | 'STAGE_AFTER';

/** The first root cause of a stage's failure, kept apart from later errors. */
export interface StageError {
  message: string;
  /** Which task or phase raised it (`task:webhook`, `expression`, `planning`, `timeout`). */
  source: string;
  code?: string;
  details?: Array<{ pointer: string; message: string }>;
  time: number;
}

export interface Task {
  id: string;
  name: string;
  /** The task implementation's key in the registry. */
  type: string;
  status: ExecutionStatus;
  startTime: number | null;
  endTime: number | null;
  /** Consecutive failed attempts (thrown errors), for bounded retry with backoff. */
  attempts: number;
  /** Time spent paused while this task was running (does not count toward timeouts). */
  pausedMs: number;
  lastError: string | null;
}

export interface Stage {
  id: string;
  refId: string;
  type: string;
  name: string;
  status: ExecutionStatus;
  /** The stage's context as configured, before expressions: kept to restart a stage. */
  initialContext: Record<string, unknown>;
  /** The evaluated context plus what tasks wrote into it. */
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
  requisiteStageRefIds: string[];
  parentStageId: string | null;
  syntheticStageOwner: SyntheticStageOwner | null;
  startTime: number | null;
  endTime: number | null;
  pausedMs: number;
  tasks: Task[];
  error: StageError | null;
  /** Order of creation, to list stages stably. */
  seq: number;
  /** Set once the stage's on-failure stages were planned, so they are planned only once. */
  failureHandled: boolean;
  /** Who last acted on the stage (manual judgment, skip, restart). */
  lastModified?: { user: string; time: number } | null;
}

export interface PausedDetails {
  pauseTime: number;
  resumeTime: number | null;
  pausedBy: string | null;
  /** Total paused time of the execution so far. */
  pausedMs: number;
}

export interface Execution {
  id: string;
  type: ExecutionType;
  application: string;
  pipelineConfigId: string | null;
  name: string;
  status: ExecutionStatus;
  trigger: Record<string, unknown>;
  buildTime: number;
  startTime: number | null;
  endTime: number | null;
  canceled: boolean;
  canceledBy: string | null;
  cancellationReason: string | null;
  paused: PausedDetails | null;
  limitConcurrent: boolean;
  maxConcurrentExecutions: number;
  keepWaitingPipelines: boolean;
  /** For child executions started by a `pipeline` stage. */
  parentExecutionId: string | null;
  parentStageId: string | null;
  /** Pipeline-level settings kept with the run (notifications, description, spec revision). */
  spec: Record<string, unknown>;
  stages: Stage[];
}

/** Parameters and the rest of the trigger, as expressions see them. */
export function parametersOf(execution: Execution): Record<string, unknown> {
  const p = execution.trigger['parameters'];
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}
