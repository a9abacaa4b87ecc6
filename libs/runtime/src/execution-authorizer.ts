import type { Execution, Stage } from '@gennaker/engine';
import type { RowsToInsert } from '@gennaker/persistence';
import type { EntityManager } from 'typeorm';

/** What an execution about to start is: who may start it depends on its application and its stages' accounts. */
export interface StartAuthorization {
  type: 'PIPELINE' | 'ORCHESTRATION';
  application: string;
  pipelineConfigId: string | null;
  /** The pipeline config (stages, triggers) or, for an orchestration, `{stages: job}`. */
  config: Record<string, unknown>;
  trigger: Record<string, unknown>;
  parentExecutionId?: string;
  /** The caller's transaction, when it holds one: reads go through it (no second pool connection). */
  manager?: EntityManager;
}

/**
 * Authorization hooks of the runtime (the security module registers one; without it everything is
 * allowed). Checked when an execution is triggered and again before each task acts.
 */
export interface ExecutionAuthorizer {
  /** Throws to refuse the start; returns what to record as `trigger.authentication` (who it runs as). */
  authorizeStart(request: StartAuthorization): Promise<Record<string, unknown> | null>;
  /** Rows stored in the very statement that stores the new execution (its audit event). */
  startRecords?(execution: Execution): RowsToInsert[];
  /** Before a task runs: why the execution may not act as this stage asks, or null. */
  authorizeTask?(execution: Execution, stage: Stage): Promise<string | null>;
  /** The stage as its task sees it: secrets stored encrypted are decrypted (in memory only, never stored back). */
  revealSecrets?(stage: Stage): Stage;
}
