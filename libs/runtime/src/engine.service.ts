import { randomUUID } from 'node:crypto';
import {
  findStage,
  freeSlots,
  isComplete,
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
  type OutboxMessage,
  type StoredOutboxMessage,
} from '@gennaker/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxDispatcher } from './dispatcher.service';
import { EventBus } from './event-bus.service';
import {
  DATA_SOURCE,
  EXECUTION_REPOSITORY,
  EXPRESSIONS,
  OUTBOX_REPOSITORY,
  PIPELINE_CONFIG_REPOSITORY,
  STAGE_REGISTRY,
} from './tokens';

export interface ApplyOptions {
  /** The outbox row being handled: deleted in the same transaction; when already gone, nothing is applied. */
  outboxId?: string;
  actor?: string;
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
    await this.ds.transaction((m) => this.outbox.take(m, outboxId));
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
      const execution = await this.executions.load(executionId, { manager: m, lock: true });
      let woken = false;
      if (options.outboxId) {
        const taken = await this.outbox.take(m, options.outboxId);
        if (!taken) return null;
        woken = taken.woken;
      }
      if (!execution) return null;
      const before = this.executions.snapshot(execution);
      const wasComplete = isComplete(execution.status);

      let runningSiblings: number | undefined;
      if ((execution.status === 'NOT_STARTED' || execution.status === 'BUFFERED') && execution.pipelineConfigId) {
        await m.query(CONFIG_LOCK_SQL, [execution.pipelineConfigId]);
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
      const messages = this.shape(execution, transition.messages, woken);

      let dropped: Array<{ id: string; queue: string }> = [];
      if (!wasComplete && isComplete(execution.status)) {
        // Nothing of a finished execution may run any more: drop its pending polls.
        dropped = await this.outbox.deleteForExecution(m, execution.id, []);
      }
      await this.executions.save(m, before, execution);
      const stored = await this.outbox.add(m, messages.map((o) => this.toOutbox(o, execution.id)), true);
      return { value, execution, stored, events: transition.events, dropped };
    });
    if (!committed) return null;
    await this.afterCommit(committed.stored, committed.events);
    if (committed.dropped.length > 0) void this.dispatcher.remove(committed.dropped);
    if (committed.events.some((e) => e.kind === 'execution' && e.status === 'CANCELED')) {
      void this.events.publishCancel(committed.execution.id);
    }
    return { value: committed.value, execution: committed.execution };
  }

  /** Stores messages that belong to no particular transition (e.g. a new execution's start). */
  async send(m: EntityManager, messages: Array<{ message: EngineMessage; delayMs?: number; queue?: string }>): Promise<StoredOutboxMessage[]> {
    return this.outbox.add(
      m,
      messages.map((o) => this.toOutbox({ message: o.message, delayMs: o.delayMs, queue: (o.queue ?? 'engine') as OutboundMessage['queue'] }, o.message.executionId ?? null)),
      true,
    );
  }

  /** Stores and queues messages in a transaction of their own. */
  async enqueue(messages: Array<{ message: EngineMessage; delayMs?: number; queue?: string }>): Promise<void> {
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
      await m.query(CONFIG_LOCK_SQL, [pipelineConfigId]);
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
      payload: o.message as unknown as Record<string, unknown>,
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
