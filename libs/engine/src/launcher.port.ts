import type { ExecutionStatus } from './status';

/**
 * How a stage starts and watches another execution (the `pipeline` stage): implemented by the
 * runtime, used by tasks. Starting is idempotent per parent stage.
 */
export interface ExecutionLauncher {
  startChild(input: {
    parentExecutionId: string;
    parentStageId: string;
    application: string;
    /** Pipeline id, or name within the application. */
    pipeline: string;
    parameters: Record<string, unknown>;
    user?: string;
  }): Promise<{ executionId: string }>;
  summary(executionId: string): Promise<ChildExecutionSummary | null>;
  cancel(executionId: string, reason: string): Promise<void>;
}

export interface ChildExecutionSummary {
  id: string;
  status: ExecutionStatus;
  /** Outputs of the child's stages, merged in stage order. */
  outputs: Record<string, unknown>;
  /** The first failed stage's error, when it failed. */
  error?: string;
}

export const EXECUTION_LAUNCHER = 'gennaker:ExecutionLauncher';

/**
 * Breaks the start-up cycle "tasks need the launcher, the launcher needs the registry of tasks":
 * tasks get this object at construction and the runtime binds the real launcher once it exists.
 */
export class DeferredLauncher implements ExecutionLauncher {
  private target: ExecutionLauncher | null = null;

  bind(target: ExecutionLauncher): void {
    this.target = target;
  }

  private get(): ExecutionLauncher {
    if (!this.target) throw new Error('the execution launcher is not ready yet');
    return this.target;
  }

  startChild(input: Parameters<ExecutionLauncher['startChild']>[0]): Promise<{ executionId: string }> {
    return this.get().startChild(input);
  }

  summary(executionId: string): Promise<ChildExecutionSummary | null> {
    return this.get().summary(executionId);
  }

  cancel(executionId: string, reason: string): Promise<void> {
    return this.get().cancel(executionId, reason);
  }
}
