import { GennakerError, isRetryable } from '@gennaker/common';
import {
  createExecution,
  findStage,
  prepareRunTask,
  StageRegistry,
  taskInput,
  Transition,
  type EngineMessage,
  type Execution,
  type ExpressionPort,
  type OutboundMessage,
  type StageDefinition,
  type TaskImplementation,
  type TaskResult,
} from '@gennaker/engine';
import { cloudStagesPlugin } from '../cloud-stages.plugin';
import type { CloudProviderRegistry, ClusterLock } from '../provider.port';

/** Stand-ins for the core wait and manualJudgment stages, which deploy strategies plan. */
export const testWaitStage: StageDefinition = {
  type: 'wait',
  label: 'Wait',
  description: 'test wait',
  taskTypes: ['wait'],
  plan: () => ({ tasks: [{ name: 'wait', type: 'wait' }] }),
};
export const testWaitTask: TaskImplementation = {
  type: 'wait',
  async execute(input): Promise<TaskResult> {
    const remaining = Number(input.stage.context['waitTime'] ?? 0) * 1000 - input.stageElapsedMs;
    return remaining <= 0 ? { status: 'SUCCEEDED' } : { status: 'RUNNING', backoffMs: remaining };
  },
};
export const testJudgmentStage: StageDefinition = {
  type: 'manualJudgment',
  label: 'Manual Judgment',
  description: 'test judgment',
  taskTypes: ['waitForJudgment'],
  plan: () => ({ tasks: [{ name: 'waitForJudgment', type: 'waitForJudgment' }] }),
};
export const testJudgmentTask: TaskImplementation = {
  type: 'waitForJudgment',
  async execute(input): Promise<TaskResult> {
    const s = input.stage.context['judgmentStatus'];
    if (s === 'continue') return { status: 'SUCCEEDED' };
    if (s === 'stop') return { status: 'TERMINAL', error: { message: 'stopped at judgment' } };
    return { status: 'RUNNING', backoffMs: 60_000 };
  },
};

const passThrough: ExpressionPort = {
  evaluateObject: <T>(value: T) => ({ value, errors: [] }),
  evaluateTemplate: (text: string) => ({ value: text, errors: [] }),
};

interface Pending {
  at: number;
  seq: number;
  message: EngineMessage;
  dedupeKey?: string;
}

/**
 * Runs pipelines of cloud stages through the real engine state machine, in memory: with a
 * virtual clock (unit specs: waits take no time) or the real one (a real provider, whose
 * instances take real seconds to start). Tasks run inline, one message at a time.
 */
export class CloudStageDriver {
  readonly registry: StageRegistry;
  readonly executions = new Map<string, Execution>();
  private queue: Pending[] = [];
  private seq = 0;
  private ids = 0;
  private virtualNow = 1_700_000_000_000;

  constructor(
    deps: { providers: CloudProviderRegistry; lock: ClusterLock; lockTtlMs?: number },
    private readonly clock: 'virtual' | 'real' = 'virtual',
  ) {
    const plugin = cloudStagesPlugin(deps);
    this.registry = new StageRegistry([...plugin.definitions, testWaitStage, testJudgmentStage], [...plugin.tasks, testWaitTask, testJudgmentTask]);
  }

  now = (): number => (this.clock === 'virtual' ? this.virtualNow : Date.now());
  newId = (): string => `id-${++this.ids}`;

  /** Starts a pipeline (or orchestration) of stages; returns its id. */
  start(stages: Array<Record<string, unknown>>, options: { application?: string; type?: 'PIPELINE' | 'ORCHESTRATION' } = {}): string {
    const e = createExecution({
      id: `exec-${++this.ids}`,
      type: options.type ?? 'PIPELINE',
      config: { application: options.application ?? 'app', name: 'test', stages: stages as never },
      pipelineConfigId: null,
      trigger: { type: 'manual', user: 'tester' },
      now: this.now(),
      newId: this.newId,
    });
    this.executions.set(e.id, e);
    this.send({ type: 'StartExecution', executionId: e.id });
    return e.id;
  }

  get(id: string): Execution {
    const e = this.executions.get(id);
    if (!e) throw new Error(`no execution ${id}`);
    return e;
  }

  /** An operator action under the "lock" (judge, cancel...). */
  act(executionId: string, fn: (t: Transition) => void): void {
    const t = new Transition(this.get(executionId), { now: this.now(), newId: this.newId, registry: this.registry, expressions: passThrough, actor: 'tester' });
    fn(t);
    this.dispatch(t.messages);
  }

  /** Handles messages until `until()` holds or nothing is left; in real time, sleeps until the next one is due. */
  async run(options: { until?: () => boolean; timeoutMs?: number; maxSteps?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (let i = 0; i < (options.maxSteps ?? 200_000); i++) {
      if (options.until?.()) return;
      if (this.queue.length === 0) return;
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0] as Pending;
      if (this.clock === 'virtual') {
        if (next.at > this.virtualNow) this.virtualNow = next.at;
      } else {
        const wait = next.at - Date.now();
        if (Date.now() > deadline) throw new Error('the driver timed out');
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, Math.min(wait, 250)));
          continue;
        }
      }
      this.queue.shift();
      await this.handle(next.message);
    }
    if (!options.until) throw new Error('the driver did not settle');
  }

  /** Runs until the execution finishes. */
  async runToEnd(id: string, timeoutMs?: number): Promise<Execution> {
    const done = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'FAILED_CONTINUE']);
    await this.run({ until: () => done.has(this.get(id).status), timeoutMs });
    return this.get(id);
  }

  private send(message: EngineMessage, delayMs = 0, dedupeKey?: string): void {
    if (dedupeKey) {
      const existing = this.queue.find((p) => p.dedupeKey === dedupeKey);
      if (existing) {
        existing.at = Math.min(existing.at, this.now() + delayMs);
        return;
      }
    }
    this.queue.push({ at: this.now() + delayMs, seq: ++this.seq, message, dedupeKey });
  }

  private dispatch(messages: OutboundMessage[]): void {
    for (const m of messages) this.send(m.message, m.delayMs ?? 0, m.dedupeKey);
  }

  private async handle(message: EngineMessage): Promise<void> {
    if (message.type === 'StartWaitingExecutions' || message.type === 'CancelStage' || message.type === 'ExecutionFinished') return;
    const e = this.executions.get(message.executionId);
    if (!e) return;
    const deps = { now: this.now(), newId: this.newId, registry: this.registry, expressions: passThrough };
    if (message.type !== 'RunTask') {
      const t = new Transition(e, deps);
      t.handle(message);
      this.dispatch(t.messages);
      return;
    }
    const decision = prepareRunTask(e, message.stageId, message.taskId, this.registry, this.now());
    if (decision.action !== 'execute') return;
    const impl = this.registry.task(decision.task.type);
    const input = taskInput(e, decision.stage, decision.task, this.now(), new AbortController().signal);
    let outcome: Parameters<Transition['applyTaskOutcome']>[2];
    if (decision.timeoutMs !== null) {
      outcome = { kind: 'timeout', result: await impl?.onTimeout?.(input), timeoutMs: decision.timeoutMs };
    } else {
      try {
        if (!impl) throw new Error(`no task ${decision.task.type}`);
        outcome = { kind: 'result', result: await impl.execute(input) };
      } catch (err) {
        outcome = {
          kind: 'error',
          error: err,
          retryable: isRetryable(err),
          code: err instanceof GennakerError ? err.code : undefined,
          details: err instanceof GennakerError && err.details.length > 0 ? err.details : undefined,
        };
      }
    }
    const t = new Transition(e, { ...deps, now: this.now() });
    t.applyTaskOutcome(message.stageId, message.taskId, outcome);
    this.dispatch(t.messages);
  }

  /** A stage of an execution by name (first match). */
  stage(id: string, name: string) {
    const s = this.get(id).stages.find((x) => x.name === name || x.type === name);
    if (!s) throw new Error(`no stage ${name}`);
    return s;
  }

  stageById(id: string, stageId: string) {
    return findStage(this.get(id), stageId);
  }
}
