import { randomUUID } from 'node:crypto';
import { GennakerError, isRetryable } from '@gennaker/common';
import {
  findStage,
  freeSlots,
  isComplete,
  prepareRunTask,
  taskInput,
  type TaskImplementation,
  remainingTimeoutMs,
  Transition,
  type EngineEvent,
  type EngineMessage,
  type Execution,
  type ExpressionPort,
  type OutboundMessage,
  type StageRegistry,
} from '@gennaker/engine';
import {
  ExecutionRepository,
  OutboxRepository,
  PipelineConfigRepository,
  outboxRowsJson,
  preparedQuery,
  toStoredMessage,
  type OutboxMessage,
  type StoredOutboxMessage,
} from '@gennaker/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxDispatcher } from './dispatcher.service';
import { EventBus } from './event-bus.service';
import { finishedHere, finishHere } from './local-finish';
import { hookMessageFields, notifyCommitted } from './runtime-hooks';
import {
  DATA_SOURCE,
  EXECUTION_REPOSITORY,
  EXPRESSIONS,
  OUTBOX_REPOSITORY,
  PIPELINE_CONFIG_REPOSITORY,
  RUNTIME_SETTINGS,
  STAGE_REGISTRY,
} from './tokens';
import type { RuntimeSettings } from './settings';

export interface ApplyOptions {
  /** The outbox row being handled: deleted in the same transaction; when already gone, nothing is applied. */
  outboxId?: string;
  actor?: string;
  /** The execution as read before the lock (e.g. by a task run), reused when still current. */
  preloaded?: Execution;
}

export interface ApplyContext {
  transition: Transition;
  execution: Execution;
  manager: EntityManager;
  /** The handled message had been asked for again while it was pending. */
  woken: boolean;
}

export interface ApplyResult<T> {
  value: T;
  execution: Execution;
}

/** A message that belongs to no transition (a new execution's start, a sweep's nudge). */
type LooseMessage = { message: EngineMessage; delayMs?: number; queue?: string };

/** Postgres advisory-lock key of a pipeline config (serialises its concurrency decisions). */
const CONFIG_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('pipeline:' || $1))`;

/**
 * Applies engine messages durably: lock the execution row, load it, run the pure transition,
 * store changed rows and the next messages (outbox) in one transaction, then hand the messages to
 * BullMQ and publish status changes.
 */
@Injectable()
export class EngineService {
  private readonly log = new Logger(EngineService.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: ExecutionRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(PIPELINE_CONFIG_REPOSITORY) private readonly pipelines: PipelineConfigRepository,
    @Inject(STAGE_REGISTRY) readonly registry: StageRegistry,
    @Inject(EXPRESSIONS) private readonly expressions: ExpressionPort,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(RUNTIME_SETTINGS) private readonly settings: RuntimeSettings,
  ) {}

  private readonly finishListeners: Array<(execution: Execution) => Promise<void>> = [];

  /**
   * Registers a listener called (at least once) for every execution that reaches a final status:
   * pipeline triggers, notifications. A listener that throws is called again later.
   */
  onExecutionFinished(listener: (execution: Execution) => Promise<void>): void {
    this.finishListeners.push(listener);
  }

  async handleFinished(outboxId: string, executionId: string): Promise<void> {
    const execution = await this.executions.load(executionId);
    if (execution && this.finishListeners.length > 0) {
      if (!(await this.outbox.exists(outboxId))) return;
      await Promise.all(this.finishListeners.map((l) => l(execution)));
    }
    // One statement: its own transaction.
    await this.outbox.take(this.ds.manager, outboxId);
  }

  /** Handles one delivered engine message (a BullMQ job). */
  async handleMessage(outboxId: string, message: EngineMessage): Promise<void> {
    if (message.type === 'ExecutionFinished') {
      await this.handleFinished(outboxId, message.executionId);
      return;
    }
    if (message.type === 'StartWaitingExecutions') {
      await this.startWaiting(outboxId, message.pipelineConfigId);
      return;
    }
    await this.apply(message.executionId, { outboxId }, ({ transition }) => {
      if (message.type === 'CancelExecution') transition.cancel(message.reason);
      else transition.handle(message);
    });
  }

  /**
   * Runs `fn` against the locked execution and commits its effects. Returns null when the
   * execution does not exist or the message was already handled.
   */
  async apply<T>(
    executionId: string,
    options: ApplyOptions,
    fn: (ctx: ApplyContext) => T | Promise<T>,
  ): Promise<ApplyResult<T> | null> {
    const committed = await this.ds.transaction(async (m) => {
      let version: number;
      let woken = false;
      if (options.outboxId) {
        const locked = await this.executions.lockAndTake(m, executionId, options.outboxId);
        if (!locked) {
          // A message for an execution that is gone (deleted by retention): drop it for good.
          await this.outbox.take(m, options.outboxId);
          return null;
        }
        if (!locked.taken) return null;
        version = locked.version;
        woken = locked.taken.woken;
      } else {
        const locked = await this.executions.lock(m, executionId);
        if (!locked) return null;
        version = locked.version;
      }
      // A copy read before the lock is still current when nobody stored a change since.
      const execution =
        options.preloaded && this.executions.versionOf(options.preloaded) === version
          ? options.preloaded
          : await this.executions.load(executionId, { manager: m });
      if (!execution) return null;
      const before = this.executions.snapshot(execution);
      const wasComplete = isComplete(execution.status);

      let runningSiblings: number | undefined;
      // Only a run that limits concurrency may wait for its siblings (see shouldBuffer).
      const limited = execution.limitConcurrent || execution.maxConcurrentExecutions > 0;
      if ((execution.status === 'NOT_STARTED' || execution.status === 'BUFFERED') && execution.pipelineConfigId && limited) {
        await preparedQuery(m, CONFIG_LOCK_SQL, [execution.pipelineConfigId]);
        runningSiblings = await this.executions.countRunning(m, execution.pipelineConfigId, execution.id);
      }
      const transition = new Transition(execution, {
        now: Date.now(),
        newId: randomUUID,
        registry: this.registry,
        expressions: this.expressions,
        runningSiblings,
        actor: options.actor,
        pipelineIds: execution.type === 'PIPELINE' ? await this.pipelineIds(execution) : undefined,
      });
      const value = await fn({ transition, execution, manager: m, woken });
      await this.runInlineTasks(transition, execution);
      const messages = await this.withoutIdleWaitingStarts(m, this.shape(execution, transition.messages, woken));
      // Nothing of a finished execution may run any more: its pending polls are dropped.
      const dropPending = !wasComplete && isComplete(execution.status);
      const rows = messages.map((o) => this.toOutbox(o, execution.id));
      if (rows.length === 0 && !dropPending && this.executions.unchanged(before, execution)) {
        return { value, execution, stored: [] as StoredOutboxMessage[], events: transition.events, dropped: [] as Array<{ id: string; queue: string }> };
      }
      const result = await this.executions.commit(m, before, execution, { rows: outboxRowsJson(rows, true), dropPending });
      return { value, execution, stored: result.stored.map(toStoredMessage), events: transition.events, dropped: result.dropped };
    });
    if (!committed) return null;
    // A worker handles the finished message of an execution it finished itself (see finishHere).
    const here = this.settings.worker && isComplete(committed.execution.status) ? finishedHere(committed.stored, committed.execution, Date.now()) : [];
    await this.afterCommit(here.length === 0 ? committed.stored : committed.stored.filter((m) => !here.includes(m)), committed.events);
    notifyCommitted(committed.execution, committed.events);
    for (const m of here) {
      await finishHere(m, committed.execution, {
        listeners: this.finishListeners,
        take: (id) => this.outbox.take(this.ds.manager, id),
        requeue: (message) => this.dispatcher.dispatch([message]),
      });
    }
    if (committed.dropped.length > 0) void this.dispatcher.remove(committed.dropped);
    if (committed.events.some((e) => e.kind === 'execution' && e.status === 'CANCELED')) {
      void this.events.publishCancel(committed.execution.id);
    }
    return { value: committed.value, execution: committed.execution };
  }

  /**
   * Runs tasks marked `inline` (pure and quick) right here instead of queueing them: their
   * RunTask messages are taken out of the outgoing list and applied, repeatedly, since finishing
   * one may start the next. Bounded, so one transaction never runs away.
   */
  private async runInlineTasks(transition: Transition, execution: Execution): Promise<void> {
    if (!this.settings.inlineTasks) return;
    for (let round = 0; round < 500; round++) {
      const index = transition.messages.findIndex((o) => {
        if (o.message.type !== 'RunTask' || (o.delayMs ?? 0) > 0) return false;
        const stage = findStage(execution, o.message.stageId);
        const task = stage?.tasks.find((t) => t.id === (o.message as { taskId: string }).taskId);
        return task !== undefined && this.registry.task(task.type)?.inline === true;
      });
      if (index < 0) return;
      const [out] = transition.messages.splice(index, 1);
      const msg = out?.message as Extract<EngineMessage, { type: 'RunTask' }>;
      const now = Date.now();
      const decision = prepareRunTask(execution, msg.stageId, msg.taskId, this.registry, now);
      if (decision.action === 'drop') continue;
      if (decision.action === 'pause') {
        transition.pauseTask(msg.stageId, msg.taskId);
        continue;
      }
      const impl = this.registry.task(decision.task.type);
      const input = taskInput(execution, decision.stage, decision.task, now, new AbortController().signal);
      if (decision.timeoutMs !== null) {
        transition.applyTaskOutcome(msg.stageId, msg.taskId, { kind: 'timeout', result: await impl?.onTimeout?.(input), timeoutMs: decision.timeoutMs });
        continue;
      }
      try {
        const result = await (impl as TaskImplementation).execute(input);
        transition.applyTaskOutcome(msg.stageId, msg.taskId, { kind: 'result', result });
      } catch (err) {
        transition.applyTaskOutcome(msg.stageId, msg.taskId, {
          kind: 'error',
          error: err,
          retryable: isRetryable(err),
          code: err instanceof GennakerError ? err.code : undefined,
          details: err instanceof GennakerError && err.details.length > 0 ? err.details : undefined,
        });
      }
    }
  }

  /** Stores messages that belong to no particular transition (e.g. a new execution's start). */
  async send(
    m: EntityManager,
    messages: LooseMessage[],
    options: { dispatchedByCaller?: boolean } = {},
  ): Promise<StoredOutboxMessage[]> {
    // Rows nobody promises to queue right after commit are left to the relay (it polls every 500 ms).
    return this.outbox.add(m, this.looseToOutbox(messages), options.dispatchedByCaller !== false);
  }

  /**
   * Outbox rows (as JSON for the repository) of messages that belong to no transition, e.g. a new
   * execution's start; `dispatchedByCaller` as in send.
   */
  outboxJson(messages: LooseMessage[], options: { dispatchedByCaller?: boolean } = {}): string {
    return outboxRowsJson(this.looseToOutbox(messages), options.dispatchedByCaller !== false);
  }

  private looseToOutbox(messages: LooseMessage[]): OutboxMessage[] {
    return messages.map((o) => this.toOutbox({ message: o.message, delayMs: o.delayMs, queue: (o.queue ?? 'engine') as OutboundMessage['queue'] }, o.message.executionId ?? null));
  }

  /** Stores and queues messages in a transaction of their own. */
  async enqueue(messages: LooseMessage[]): Promise<void> {
    const stored = await this.ds.transaction((m) => this.send(m, messages));
    await this.afterCommit(stored, []);
  }

  async afterCommit(stored: StoredOutboxMessage[], events: EngineEvent[]): Promise<void> {
    await this.dispatcher.dispatch(stored);
    await this.events.publish(events);
  }

  /**
   * Starts BUFFERED executions of a pipeline as slots free up. Without keepWaitingPipelines only
   * the newest waiting run is kept; the older ones are canceled (Spinnaker's behaviour).
   */
  private async startWaiting(outboxId: string, pipelineConfigId: string): Promise<void> {
    const stored = await this.ds.transaction(async (m) => {
      const taken = await this.outbox.take(m, outboxId);
      if (!taken) return [];
      await preparedQuery(m, CONFIG_LOCK_SQL, [pipelineConfigId]);
      const waiting = await this.executions.listBuffered(m, pipelineConfigId);
      if (waiting.length === 0) return [];
      const newest = waiting[waiting.length - 1] as (typeof waiting)[number];
      const out: EngineMessage[] = [];
      let candidates = waiting;
      if (!newest.keepWaitingPipelines) {
        for (const w of waiting.slice(0, -1)) {
          out.push({ type: 'CancelExecution', executionId: w.id, reason: 'superseded by a newer execution of this pipeline' });
        }
        candidates = [newest];
      }
      const running = await this.executions.countRunning(m, pipelineConfigId);
      const slots = freeSlots(newest, running);
      for (const w of candidates.slice(0, Number.isFinite(slots) ? slots : candidates.length)) {
        out.push({ type: 'StartExecution', executionId: w.id });
      }
      return this.send(m, out.map((message) => ({ message })));
    });
    await this.afterCommit(stored, []);
  }

  /**
   * Drops "start waiting executions" when none waits: most runs finish with nothing BUFFERED, and
   * the message would cost a job and a transaction each. The pipeline's lock makes the check exact
   * against a start deciding to buffer at the same moment.
   */
  private async withoutIdleWaitingStarts(m: EntityManager, messages: OutboundMessage[]): Promise<OutboundMessage[]> {
    const configs = [...new Set(messages.flatMap((o) => (o.message.type === 'StartWaitingExecutions' ? [o.message.pipelineConfigId] : [])))];
    if (configs.length === 0) return messages;
    const idle = new Set<string>();
    for (const id of configs) {
      await preparedQuery(m, CONFIG_LOCK_SQL, [id]);
      if ((await this.executions.listBuffered(m, id)).length === 0) idle.add(id);
    }
    return messages.filter((o) => o.message.type !== 'StartWaitingExecutions' || !idle.has(o.message.pipelineConfigId));
  }

  /**
   * Final touches on outgoing messages: a task poll never waits past its timeout, and a poll that
   * was asked for again while it ran goes at once.
   */
  private shape(execution: Execution, messages: OutboundMessage[], woken: boolean): OutboundMessage[] {
    const now = Date.now();
    return messages.map((o) => {
      if (o.message.type !== 'RunTask' || !o.delayMs) return o;
      if (woken) return { ...o, delayMs: 0 };
      const stage = findStage(execution, o.message.stageId);
      const task = stage?.tasks.find((t) => t.id === (o.message as { taskId: string }).taskId);
      if (!stage || !task) return o;
      const remaining = remainingTimeoutMs(execution, stage, task, this.registry, now);
      return remaining !== null && remaining < o.delayMs ? { ...o, delayMs: remaining } : o;
    });
  }

  private toOutbox(o: OutboundMessage, executionId: string | null): OutboxMessage {
    return {
      id: randomUUID(),
      executionId: o.message.executionId ?? executionId,
      type: o.message.type,
      queue: o.queue ?? 'engine',
      // Hook fields (a trace context) ride along in the payload; handlers ignore what they do not know.
      payload: { ...(o.message as unknown as Record<string, unknown>), ...hookMessageFields() },
      deliverAt: Date.now() + (o.delayMs ?? 0),
      dedupeKey: o.dedupeKey ?? null,
    };
  }

  private async pipelineIds(execution: Execution): Promise<Record<string, string> | undefined> {
    // Only needed when some stage context uses #pipelineId; cheap enough to load lazily per start.
    const uses = execution.stages.some((s) => s.status === 'NOT_STARTED' && JSON.stringify(s.initialContext).includes('#pipelineId'));
    return uses ? this.pipelines.idsByName(execution.application) : undefined;
  }

  logger(): Logger {
    return this.log;
  }
}
