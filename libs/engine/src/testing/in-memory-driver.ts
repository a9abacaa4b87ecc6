import { GennakerError, isRetryable } from '@gennaker/common';
import type { ExpressionPort } from '../expressions.port';
import type { EngineMessage, OutboundMessage } from '../messages';
import type { Execution } from '../model';
import type { StageRegistry } from '../registry';
import type { TaskResult } from '../stage-definition';
import { prepareRunTask, taskInput, Transition } from '../transition';

interface Pending {
  at: number;
  seq: number;
  message: EngineMessage;
  dedupeKey?: string;
}

/**
 * A synchronous, in-memory stand-in for the runtime, for testing the state machine: a virtual
 * clock, a delayed-message queue with the same dedupe semantics as the outbox, and tasks run
 * inline. The real runtime (Postgres + BullMQ) is exercised by the integration specs.
 */
export class InMemoryDriver {
  now = 1_700_000_000_000;
  private seq = 0;
  private ids = 0;
  readonly executions = new Map<string, Execution>();
  private queue: Pending[] = [];
  readonly log: string[] = [];

  constructor(
    private readonly registry: StageRegistry,
    private readonly expressions: ExpressionPort,
  ) {}

  newId = (): string => `id-${++this.ids}`;

  add(execution: Execution): void {
    this.executions.set(execution.id, execution);
  }

  send(message: EngineMessage, delayMs = 0, dedupeKey?: string): void {
    if (dedupeKey) {
      const existing = this.queue.find((p) => p.dedupeKey === dedupeKey);
      if (existing) {
        existing.at = Math.min(existing.at, this.now + delayMs);
        return;
      }
    }
    this.queue.push({ at: this.now + delayMs, seq: ++this.seq, message, dedupeKey });
  }

  /** Applies an operator action the way the API does: under the lock, immediately. */
  act(executionId: string, fn: (t: Transition) => void, actor = 'tester'): void {
    const e = this.mustGet(executionId);
    const t = new Transition(e, { now: this.now, newId: this.newId, registry: this.registry, expressions: this.expressions, actor });
    fn(t);
    this.dispatch(t.messages);
  }

  /** Runs until nothing is queued or `maxSteps` messages were handled; advances the clock to delayed messages. */
  async run(steps?: number): Promise<void> {
    const maxSteps = steps ?? 100_000;
    for (let i = 0; i < maxSteps; i++) {
      if (this.queue.length === 0) return;
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue.shift() as Pending;
      if (next.at > this.now) this.now = next.at;
      await this.handle(next.message);
    }
    if (steps === undefined) throw new Error('driver did not settle');
  }

  private async handle(message: EngineMessage): Promise<void> {
    this.log.push(`${message.type}${'stageId' in message && message.stageId ? ':' + message.stageId : ''}`);
    if (message.type === 'StartWaitingExecutions') return this.startWaiting(message.pipelineConfigId);
    const e = this.executions.get(message.executionId);
    if (!e) return;
    if (message.type === 'RunTask') return this.runTask(e, message.stageId, message.taskId);
    if (message.type === 'CancelStage') return;
    const running = [...this.executions.values()].filter(
      (x) => x.id !== e.id && x.pipelineConfigId === e.pipelineConfigId && (x.status === 'RUNNING' || x.status === 'PAUSED'),
    ).length;
    const t = new Transition(e, { now: this.now, newId: this.newId, registry: this.registry, expressions: this.expressions, runningSiblings: running });
    t.handle(message);
    this.dispatch(t.messages);
  }

  private async runTask(e: Execution, stageId: string, taskId: string): Promise<void> {
    const decision = prepareRunTask(e, stageId, taskId, this.registry, this.now);
    const deps = { now: this.now, newId: this.newId, registry: this.registry, expressions: this.expressions };
    if (decision.action === 'drop') return;
    if (decision.action === 'pause') {
      const t = new Transition(e, deps);
      t.pauseTask(stageId, taskId);
      return;
    }
    const impl = this.registry.task(decision.task.type);
    const input = taskInput(e, decision.stage, decision.task, this.now, new AbortController().signal);
    const t = new Transition(e, deps);
    if (decision.timeoutMs !== null) {
      const r = await impl?.onTimeout?.(input);
      t.applyTaskOutcome(stageId, taskId, { kind: 'timeout', result: r, timeoutMs: decision.timeoutMs });
    } else {
      try {
        if (!impl) throw new Error(`no task ${decision.task.type}`);
        const result: TaskResult = await impl.execute(input);
        t.applyTaskOutcome(stageId, taskId, { kind: 'result', result });
      } catch (err) {
        t.applyTaskOutcome(stageId, taskId, {
          kind: 'error',
          error: err,
          retryable: isRetryable(err),
          code: err instanceof GennakerError ? err.code : undefined,
          details: err instanceof GennakerError && err.details.length > 0 ? err.details : undefined,
        });
      }
    }
    this.dispatch(t.messages);
  }

  private startWaiting(pipelineConfigId: string): void {
    const all = [...this.executions.values()].filter((x) => x.pipelineConfigId === pipelineConfigId);
    const waiting = all.filter((x) => x.status === 'BUFFERED').sort((a, b) => a.buildTime - b.buildTime);
    if (waiting.length === 0) return;
    const first = waiting[0] as Execution;
    if (!first.keepWaitingPipelines) {
      for (const w of waiting.slice(0, -1)) this.act(w.id, (t) => t.cancel('superseded by a newer execution'));
      this.send({ type: 'StartExecution', executionId: (waiting[waiting.length - 1] as Execution).id });
    } else {
      for (const w of waiting) this.send({ type: 'StartExecution', executionId: w.id });
    }
  }

  private dispatch(messages: OutboundMessage[]): void {
    for (const m of messages) this.send(m.message, m.delayMs ?? 0, m.dedupeKey);
  }

  mustGet(id: string): Execution {
    const e = this.executions.get(id);
    if (!e) throw new Error(`no execution ${id}`);
    return e;
  }
}

/** An expression port for engine tests: `${true}`, `${false}` and `${fail}` (an error); other strings pass through. */
export const literalExpressions: ExpressionPort = {
  evaluateObject<T>(value: T) {
    return { value, errors: [] };
  },
  evaluateTemplate(text: string) {
    const body = text.replace(/^\$\{\s*/, '').replace(/\s*\}$/, '');
    if (body === 'true') return { value: true, errors: [] };
    if (body === 'false') return { value: false, errors: [] };
    if (body === 'fail') return { value: text, errors: [{ expression: body, position: 0, reason: 'boom', path: '' }] };
    return { value: text, errors: [] };
  },
};
