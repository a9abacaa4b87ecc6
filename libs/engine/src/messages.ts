import type { ExecutionStatus } from './status';

/**
 * The fixed set of engine messages (after Orca's queue). Each carries ids only; the state they act
 * on is loaded under the execution's row lock when they are handled.
 */
export type EngineMessage =
  | { type: 'StartExecution'; executionId: string }
  | { type: 'StartStage'; executionId: string; stageId: string }
  | { type: 'RunTask'; executionId: string; stageId: string; taskId: string }
  | { type: 'CompleteTask'; executionId: string; stageId: string; taskId: string; status: ExecutionStatus }
  | { type: 'CompleteStage'; executionId: string; stageId: string }
  | { type: 'ContinueParentStage'; executionId: string; stageId: string }
  | { type: 'CompleteExecution'; executionId: string }
  | { type: 'CancelExecution'; executionId: string; reason?: string }
  | { type: 'CancelStage'; executionId: string; stageId: string }
  | { type: 'PauseExecution'; executionId: string }
  | { type: 'ResumeExecution'; executionId: string }
  | { type: 'RestartStage'; executionId: string; stageId: string }
  | { type: 'SkipStage'; executionId: string; stageId: string }
  /** A child execution (pipeline stage) finished: wake the parent's polling task now. */
  | { type: 'ChildExecutionComplete'; executionId: string; stageId: string; childExecutionId: string }
  /** An execution reached a final status: for pipeline triggers, notifications, metrics. */
  | { type: 'ExecutionFinished'; executionId: string }
  /** Start BUFFERED executions of a pipeline when capacity frees up. */
  | { type: 'StartWaitingExecutions'; pipelineConfigId: string; executionId?: undefined };

export type EngineMessageType = EngineMessage['type'];

/** Queues: engine messages on one, task runs by the task's own queue so slow clouds cannot starve the engine. */
export type QueueName = 'engine' | 'tasks' | 'cloud' | 'canary';

export interface OutboundMessage {
  message: EngineMessage;
  /** Deliver no earlier than this many ms from now. */
  delayMs?: number;
  queue?: QueueName;
  /**
   * At most one pending message per key: sending again only moves the pending one earlier
   * (e.g. a manual judgment wakes its polling task instead of running it twice).
   */
  dedupeKey?: string;
}

/** A status change, published for live views (server-sent events) and notifications. */
export interface EngineEvent {
  kind: 'execution' | 'stage' | 'task';
  executionId: string;
  stageId?: string;
  taskId?: string;
  stageType?: string;
  name?: string;
  status: ExecutionStatus;
  previousStatus?: ExecutionStatus;
  time: number;
}
