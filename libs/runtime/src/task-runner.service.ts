import { errorMessage, GennakerError, isRetryable, TransientError } from '@gennaker/common';
import {
  findStage,
  prepareRunTask,
  taskInput,
  type EngineMessage,
  type Stage,
  type TaskImplementation,
  type TaskOutcome,
  type TaskResult,
} from '@gennaker/engine';
import { ExecutionRepository } from '@gennaker/persistence';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EngineService } from './engine.service';
import { EventBus } from './event-bus.service';
import type { ExecutionAuthorizer } from './execution-authorizer';
import type { RuntimeSettings } from './settings';
import { EXECUTION_REPOSITORY, RUNTIME_SETTINGS } from './tokens';

type RunTaskMessage = Extract<EngineMessage, { type: 'RunTask' }>;
type CancelStageMessage = Extract<EngineMessage, { type: 'CancelStage' }>;

/**
 * Runs tasks: the one place where the engine does I/O. The task runs outside any transaction
 * (a slow remote end never holds a row lock); its outcome is applied under the lock afterwards
 * and discarded when the task stopped being current meanwhile (canceled, restarted, skipped).
 */
@Injectable()
export class TaskRunner implements OnModuleDestroy {
  private readonly log = new Logger(TaskRunner.name);
  /** In-flight task invocations by execution, aborted when the execution is canceled anywhere. */
  private readonly inFlight = new Map<string, Set<AbortController>>();
  private readonly unsubscribe: () => void;
  private authorizer: ExecutionAuthorizer | null = null;

  constructor(
    @Inject(EngineService) private readonly engine: EngineService,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: ExecutionRepository,
    @Inject(EventBus) events: EventBus,
    @Inject(RUNTIME_SETTINGS) private readonly settings: RuntimeSettings,
  ) {
    this.unsubscribe = events.onCancel((executionId) => this.abortExecution(executionId));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Checked before each task acts (e.g. WRITE on the stage's account); a denial fails the stage. */
  useAuthorizer(authorizer: ExecutionAuthorizer): void {
    this.authorizer = authorizer;
  }

  abortExecution(executionId: string): void {
    for (const c of this.inFlight.get(executionId) ?? []) c.abort(new Error('execution canceled'));
  }

  async runTask(outboxId: string, message: RunTaskMessage): Promise<void> {
    const { executionId, stageId, taskId } = message;
    // One read: the execution, and whether this message is still pending (a redelivered job's is not).
    const loaded = await this.executions.loadWithPending(executionId, outboxId);
    if (!loaded) {
      await this.engine.apply(executionId, { outboxId }, () => undefined);
      return;
    }
    if (!loaded.pending) return; // handled already
    const execution = loaded.execution;
    const registry = this.engine.registry;
    const decision = prepareRunTask(execution, stageId, taskId, registry, Date.now());
    if (decision.action === 'drop') {
      await this.engine.apply(executionId, { outboxId }, () => undefined);
      return;
    }
    if (decision.action === 'pause') {
      await this.engine.apply(executionId, { outboxId }, ({ transition }) => transition.pauseTask(stageId, taskId));
      return;
    }
    const impl = registry.task(decision.task.type);
    const stage = this.authorizer?.revealSecrets?.(decision.stage) ?? decision.stage;
    let outcome: TaskOutcome;
    if (!impl) {
      outcome = { kind: 'error', error: new Error(`no implementation for task "${decision.task.type}"`), retryable: false };
    } else if (decision.timeoutMs !== null) {
      const input = taskInput(execution, stage, decision.task, Date.now(), new AbortController().signal);
      let result: TaskResult | void = undefined;
      try {
        result = await impl.onTimeout?.(input);
      } catch (err) {
        this.log.warn(`onTimeout of ${impl.type} failed: ${errorMessage(err)}`);
      }
      outcome = { kind: 'timeout', result, timeoutMs: decision.timeoutMs };
    } else {
      const denied = (await this.authorizer?.authorizeTask?.(execution, decision.stage)) ?? null;
      outcome =
        denied !== null
          ? { kind: 'error', error: new GennakerError('FORBIDDEN', denied), retryable: false, code: 'FORBIDDEN' }
          : await this.invoke(impl, executionId, (signal) => impl.execute(taskInput(execution, stage, decision.task, Date.now(), signal)));
    }
    await this.engine.apply(executionId, { outboxId, preloaded: execution }, ({ transition }) => transition.applyTaskOutcome(stageId, taskId, outcome));
  }

  /** Gives canceled (or skipped) tasks of a stage their onCancel hook: stop remote work, clean up. */
  async cancelStage(outboxId: string, message: CancelStageMessage): Promise<void> {
    const execution = await this.executions.load(message.executionId);
    const found = execution ? findStage(execution, message.stageId) : undefined;
    const stage = found ? (this.authorizer?.revealSecrets?.(found) ?? found) : undefined;
    const results: TaskResult[] = [];
    if (execution && stage) {
      for (const task of stage.tasks) {
        const impl = this.engine.registry.task(task.type);
        if (!impl?.onCancel || task.startTime === null) continue;
        if (task.status !== 'CANCELED' && task.status !== 'SKIPPED') continue;
        const outcome = await this.invoke(impl, message.executionId, async (signal) => {
          const r = await impl.onCancel?.(taskInput(execution, stage, task, Date.now(), signal));
          return r ?? { status: 'CANCELED' as const };
        }, false);
        if (outcome.kind === 'result') results.push(outcome.result);
        else if (outcome.kind === 'error') this.log.warn(`onCancel of ${impl.type} failed: ${errorMessage(outcome.error)}`);
      }
    }
    await this.engine.apply(message.executionId, { outboxId }, ({ execution: e }) => {
      const s = findStage(e, message.stageId);
      if (s) mergeCancelResults(s, results);
    });
  }

  private async invoke(
    impl: TaskImplementation,
    executionId: string,
    call: (signal: AbortSignal) => Promise<TaskResult>,
    abortOnCancel = true,
  ): Promise<TaskOutcome> {
    const controller = new AbortController();
    const limit = impl.invocationTimeoutMs ?? this.settings.taskInvocationTimeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TransientError(`task ${impl.type} did not answer within ${limit} ms`));
    }, limit);
    timer.unref();
    if (abortOnCancel) {
      const set = this.inFlight.get(executionId) ?? new Set<AbortController>();
      set.add(controller);
      this.inFlight.set(executionId, set);
    }
    try {
      const result = await raceAbort(call(controller.signal), controller.signal);
      return { kind: 'result', result };
    } catch (err) {
      const error = timedOut ? new TransientError(`task ${impl.type} did not answer within ${limit} ms`, err) : err;
      return {
        kind: 'error',
        error,
        retryable: isRetryable(error),
        code: error instanceof GennakerError ? error.code : undefined,
        details: error instanceof GennakerError && error.details.length > 0 ? error.details : undefined,
      };
    } finally {
      clearTimeout(timer);
      const set = this.inFlight.get(executionId);
      if (set) {
        set.delete(controller);
        if (set.size === 0) this.inFlight.delete(executionId);
      }
    }
  }
}

/** Settles as soon as the signal aborts, even if the task ignores its signal. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function mergeCancelResults(stage: Stage, results: TaskResult[]): void {
  for (const r of results) {
    if (r.context) Object.assign(stage.context, r.context);
    if (r.outputs) Object.assign(stage.outputs, r.outputs);
  }
}
