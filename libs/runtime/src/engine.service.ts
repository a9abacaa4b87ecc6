import { randomUUID } from 'node:crypto';
import { Coalescer, GennakerError, isRetryable } from '@gennaker/common';
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
  outboxRows,
  type OutboxRow,
  preparedQuery,
  toStoredMessage,
  type OutboxMessage,
  type ExecutionSnapshot,
  type StoredOutboxMessage,
  type WaitingStart,
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
/** Group transactions one worker runs at once (each holds a pooled connection). */
const GROUPS_IN_FLIGHT = 2;

/** A message waiting for a group transaction (see EngineService.grouped). */
interface Grouped {
  outboxId: string;
  message: Extract<EngineMessage, { executionId: string }>;
  done: (err?: unknown) => void;
}

/** One execution's transition, computed under its lock and not stored yet. */
interface Step<T> {
  value: T;
  execution: Execution;
  before: ExecutionSnapshot;
  events: EngineEvent[];
  messages: OutboundMessage[];
  dropPending: boolean;
}

interface GroupCommit {
  steps: Array<Step<void>>;
  stored: StoredOutboxMessage[];
  dropped: Array<{ id: string; queue: string }>;
  /** Messages to apply on their own after the group (they need the pipeline's concurrency check). */
  alone: Grouped[];
}

/** Applies a delivered message to its execution's transition. */
function handle(transition: Transition, message: EngineMessage): void {
  if (message.type === 'CancelExecution') transition.cancel(message.reason);
  else transition.handle(message);
}

/** A run of a pipeline that limits concurrency must, to start, count its running siblings under the pipeline's lock. */
function needsConcurrencyCheck(execution: Execution): boolean {
  const limited = execution.limitConcurrent || execution.maxConcurrentExecutions > 0;
  return (execution.status === 'NOT_STARTED' || execution.status === 'BUFFERED') && execution.pipelineConfigId !== null && limited;
}

function isWaitingStart(o: OutboundMessage): boolean {
  return o.message.type === 'StartWaitingExecutions';
}

/** The pipeline of a "start waiting executions" message. */
function waitingPipeline(o: OutboundMessage): string {
  return (o.message as Extract<EngineMessage, { type: 'StartWaitingExecutions' }>).pipelineConfigId;
}

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
  /** "Finished" messages handled here, deleted together when several finish at once. */
  private readonly finishedTakes = new Coalescer<string, void>((ids) => this.outbox.takeMany(ids));

  /**
   * Registers a listener called (at least once) for every execution that reaches a final status:
   * pipeline triggers, notifications. A listener that throws is called again later.
   */
  onExecutionFinished(listener: (execution: Execution) => Promise<void>): void {
    this.finishListeners.push(listener);
  }

  async handleFinished(outboxId: string, executionId: string): Promise<void> {
    if (this.finishListeners.length > 0) {
      // One read: the execution, and whether this message is still pending (a redelivered job's is not).
      const loaded = await this.executions.loadWithPending(executionId, outboxId);
      if (loaded && !loaded.pending) return;
      if (loaded) await Promise.all(this.finishListeners.map((l) => l(loaded.execution)));
    }
    // One statement: its own transaction (see takeMany).
    await this.outbox.takeMany([outboxId]);
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
    if (this.settings.groupCommit > 1) return this.grouped(outboxId, message);
    await this.applyMessage(outboxId, message);
  }

  private async applyMessage(outboxId: string, message: Extract<EngineMessage, { executionId: string }>): Promise<void> {
    await this.apply(message.executionId, { outboxId }, ({ transition }) => handle(transition, message));
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
    if (options.outboxId && !options.preloaded) {
      const done = await this.applyWithoutLock(executionId, options.outboxId, options, fn);
      if (done !== 'retry') return done;
    }
    const committed = await this.ds.transaction(async (m) => {
      let version: number;
      let woken = false;
      // Read with the lock when no copy was read before it (and its snapshot is current).
      let loaded: Execution | null = null;
      if (options.outboxId) {
        const locked: { version: number; taken: { woken: boolean } | null; execution?: Execution | null } | null = options.preloaded
          ? await this.executions.lockAndTake(m, executionId, options.outboxId)
          : await this.executions.lockTakeAndLoad(m, executionId, options.outboxId);
        if (!locked) {
          // A message for an execution that is gone (deleted by retention): drop it for good.
          await this.outbox.take(m, options.outboxId);
          return null;
        }
        if (!locked.taken) return null;
        version = locked.version;
        woken = locked.taken.woken;
        loaded = locked.execution ?? null;
      } else {
        const locked = await this.executions.lock(m, executionId);
        if (!locked) return null;
        version = locked.version;
      }
      // A copy read before the lock is still current when nobody stored a change since.
      const execution =
        loaded ??
        (options.preloaded && this.executions.versionOf(options.preloaded) === version
          ? options.preloaded
          : await this.executions.load(executionId, { manager: m }));
      if (!execution) return null;
      const step = await this.step(m, execution, { woken, actor: options.actor }, fn);
      const item = this.commitItem(step);
      if (!item) {
        return { value: step.value, execution, stored: [] as StoredOutboxMessage[], events: step.events, dropped: [] as Array<{ id: string; queue: string }> };
      }
      const result = await this.executions.commitMany(m, [item], [], this.waitingStarts([step]));
      return { value: step.value, execution, stored: result.stored.map(toStoredMessage), events: step.events, dropped: result.dropped };
    });
    if (!committed) return null;
    await this.afterCommit(committed.stored, committed.events, [committed], committed.dropped);
    return { value: committed.value, execution: committed.execution };
  }

  /**
   * A message's step in two round trips instead of four (BEGIN, lock and read, store, COMMIT):
   * read the execution and the message (no lock), compute the step, and store it with one
   * statement that first locks the execution and checks that nothing changed since the read (its
   * version, the message still pending as read), writing nothing otherwise. 'retry' when the
   * check failed or the step needs the lock from the start (a limited pipeline's concurrency
   * check): apply then does it under the lock. `fn` must be pure (it may run twice).
   */
  private async applyWithoutLock<T>(
    executionId: string,
    outboxId: string,
    options: ApplyOptions,
    fn: (ctx: ApplyContext) => T | Promise<T>,
  ): Promise<ApplyResult<T> | null | 'retry'> {
    const loaded = await this.executions.loadWithPending(executionId, outboxId);
    // Gone (or not visible yet): decided under the lock, which also drops the message.
    if (!loaded) return 'retry';
    if (!loaded.pending) return null;
    const execution = loaded.execution;
    if (needsConcurrencyCheck(execution)) return 'retry';
    const guard = { executionId, version: this.executions.versionOf(execution) ?? -1, outboxId, woken: loaded.woken };
    const step = await this.step(this.ds.manager, execution, { woken: loaded.woken, actor: options.actor }, fn);
    const item = this.commitItem(step);
    // Nothing to store still takes the message (the guard deletes it).
    const result = await this.executions.commitMany(this.ds.manager, item ? [item] : [], [], this.waitingStarts([step]), guard);
    if (!result.applied) return 'retry';
    const stored = result.stored.map(toStoredMessage);
    await this.afterCommit(stored, step.events, [{ execution, events: step.events }], result.dropped);
    return { value: step.value, execution };
  }

  /**
   * The transition of one locked execution: the concurrency check of a pipeline that limits it,
   * `fn`, the inline tasks it started, and its outgoing messages, shaped; nothing stored yet.
   */
  private async step<T>(
    m: EntityManager,
    execution: Execution,
    options: { woken: boolean; actor?: string },
    fn: (ctx: ApplyContext) => T | Promise<T>,
  ): Promise<Step<T>> {
    const before = this.executions.snapshot(execution);
    const wasComplete = isComplete(execution.status);
    let runningSiblings: number | undefined;
    if (needsConcurrencyCheck(execution)) {
      await preparedQuery(m, CONFIG_LOCK_SQL, [execution.pipelineConfigId]);
      runningSiblings = await this.executions.countRunning(m, execution.pipelineConfigId as string, execution.id);
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
    const value = await fn({ transition, execution, manager: m, woken: options.woken });
    await this.runInlineTasks(transition, execution);
    return {
      value,
      execution,
      before,
      events: transition.events,
      messages: this.shape(execution, transition.messages, options.woken),
      // Nothing of a finished execution may run any more: its pending polls are dropped.
      dropPending: !wasComplete && isComplete(execution.status),
    };
  }

  /**
   * Applies engine messages of different executions together when several are waiting: one
   * transaction locks, loads and stores them all (group commit), so the fixed cost of a step (its
   * round trips, its commit) is shared. A message that needs more (the concurrency check of a
   * limited pipeline's start) is applied alone after the group; when the group fails, each of its
   * messages is applied alone, so one message's failure stays its own.
   */
  private grouped(outboxId: string, message: Extract<EngineMessage, { executionId: string }>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ outboxId, message, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.startGroups();
    });
  }

  private readonly waiting: Grouped[] = [];
  /** Executions of the groups in flight: a message of one waits for the next group. */
  private readonly grouping = new Set<string>();
  private groupsInFlight = 0;

  private startGroups(): void {
    while (this.groupsInFlight < GROUPS_IN_FLIGHT && this.waiting.length > 0) {
      const group: Grouped[] = [];
      const later: Grouped[] = [];
      for (const w of this.waiting) {
        const id = w.message.executionId;
        if (group.length < this.settings.groupCommit && !this.grouping.has(id)) {
          group.push(w);
          this.grouping.add(id);
        } else {
          later.push(w);
        }
      }
      if (group.length === 0) return;
      this.waiting.splice(0, this.waiting.length, ...later);
      this.groupsInFlight++;
      void this.applyGroup(group).finally(() => {
        for (const g of group) this.grouping.delete(g.message.executionId);
        this.groupsInFlight--;
        this.startGroups();
      });
    }
  }

  private async applyGroup(group: Grouped[]): Promise<void> {
    const alone = async (items: Grouped[]): Promise<void> => {
      await Promise.all(
        items.map(async (g) => {
          try {
            await this.applyMessage(g.outboxId, g.message);
            g.done();
          } catch (err) {
            g.done(err);
          }
        }),
      );
    };
    if (group.length === 1) return alone(group);
    let committed: GroupCommit;
    try {
      committed = await this.ds.transaction((m) => this.storeGroup(m, group));
    } catch (err) {
      this.log.warn(`a group of ${group.length} messages failed (${err instanceof Error ? err.message : String(err)}); applying each alone`);
      return alone(group);
    }
    try {
      await this.afterCommit(committed.stored, committed.steps.flatMap((s) => s.events), committed.steps, committed.dropped);
    } catch (err) {
      for (const g of group) if (!committed.alone.includes(g)) g.done(err);
      return alone(committed.alone);
    }
    for (const g of group) if (!committed.alone.includes(g)) g.done();
    await alone(committed.alone);
  }

  /** One transaction of a group: lock all, load all (after the locks), step each, store all. */
  private async storeGroup(m: EntityManager, group: Grouped[]): Promise<GroupCommit> {
    const existing = await this.executions.lockMany(m, group.map((g) => g.message.executionId));
    const loaded = new Map(
      (await this.executions.loadMany(m, [...existing], group.map((g) => g.outboxId))).map((l) => [l.execution.id, l] as const),
    );
    const taken: string[] = [];
    const alone: Grouped[] = [];
    const steps: Array<Step<void>> = [];
    for (const g of group) {
      const l = loaded.get(g.message.executionId);
      // A message for an execution that is gone (deleted by retention): dropped for good.
      if (!l) taken.push(g.outboxId);
      else if (!l.pending.has(g.outboxId)) continue; // handled already
      else if (needsConcurrencyCheck(l.execution)) alone.push(g);
      else {
        taken.push(g.outboxId);
        steps.push(await this.step(m, l.execution, { woken: l.pending.get(g.outboxId)?.woken === true }, ({ transition }) => handle(transition, g.message)));
      }
    }
    const changed = steps.flatMap((s) => this.commitItem(s) ?? []);
    const result = await this.executions.commitMany(m, changed, taken, this.waitingStarts(steps));
    return { steps, stored: result.stored.map(toStoredMessage), dropped: result.dropped, alone };
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
   * Outbox rows (for the repository) of messages that belong to no transition, e.g. a new
   * execution's start; `dispatchedByCaller` as in send.
   */
  outboxRows(messages: LooseMessage[], options: { dispatchedByCaller?: boolean } = {}): OutboxRow[] {
    return outboxRows(this.looseToOutbox(messages), options.dispatchedByCaller !== false);
  }

  private looseToOutbox(messages: LooseMessage[]): OutboxMessage[] {
    return messages.map((o) => this.toOutbox({ message: o.message, delayMs: o.delayMs, queue: (o.queue ?? 'engine') as OutboundMessage['queue'] }, o.message.executionId ?? null));
  }

  /** Stores and queues messages in a transaction of their own. */
  async enqueue(messages: LooseMessage[]): Promise<void> {
    const stored = await this.ds.transaction((m) => this.send(m, messages));
    await this.afterCommit(stored, []);
  }

  /**
   * After a commit: queue the stored messages, publish the events and, for the executions stepped
   * (`steps`), tell the hooks, handle their "finished" messages here (see finishHere), remove the
   * jobs of dropped messages and announce cancellations.
   */
  async afterCommit(
    stored: StoredOutboxMessage[],
    events: EngineEvent[],
    steps: Array<{ execution: Execution; events: EngineEvent[] }> = [],
    dropped: Array<{ id: string; queue: string }> = [],
  ): Promise<void> {
    const now = Date.now();
    const here = new Map(steps.map((s) => [s.execution, this.settings.worker && isComplete(s.execution.status) ? finishedHere(stored, s.execution, now) : []] as const));
    const handledHere = new Set([...here.values()].flat());
    await this.dispatcher.dispatch(handledHere.size === 0 ? stored : stored.filter((m) => !handledHere.has(m)));
    await this.events.publish(events);
    for (const s of steps) notifyCommitted(s.execution, s.events);
    await Promise.all(
      [...here].flatMap(([execution, messages]) =>
        messages.map((message) =>
          finishHere(message, execution, {
            listeners: this.finishListeners,
            take: (id) => this.finishedTakes.submit(id),
            requeue: (msg) => this.dispatcher.dispatch([msg]),
          }),
        ),
      ),
    );
    if (dropped.length > 0) void this.dispatcher.remove(dropped);
    for (const s of steps) {
      if (s.events.some((e) => e.kind === 'execution' && e.status === 'CANCELED')) void this.events.publishCancel(s.execution.id);
    }
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

  /** What a step stores (its changed rows and outgoing messages); null when it changed nothing and sends nothing. */
  private commitItem(s: Step<unknown>): { before: ExecutionSnapshot; execution: Execution; outboxRows: OutboxRow[]; dropPending: boolean } | null {
    const rows = s.messages.filter((o) => !isWaitingStart(o)).map((o) => this.toOutbox(o, s.execution.id));
    if (rows.length === 0 && !s.dropPending && this.executions.unchanged(s.before, s.execution)) return null;
    return { before: s.before, execution: s.execution, outboxRows: outboxRows(rows, true), dropPending: s.dropPending };
  }

  /**
   * The "start waiting executions" messages of the steps (sent when a run ends), for the commit to
   * store only for the pipelines that have a BUFFERED run: for the others (most runs finish with
   * nothing waiting) they would cost a job and a transaction each. The commit checks under the
   * pipelines' locks with a read that postdates them, and holds them until it commits, so the
   * check is exact: a start that counted one of these runs as running and chose to wait holds the
   * lock until it commits, so it is seen; one that counts after this commit sees the run ended.
   */
  private waitingStarts(steps: Array<Step<unknown>>): WaitingStart[] {
    return steps.flatMap((s) =>
      s.messages.filter(isWaitingStart).map((o) => ({ pipelineConfigId: waitingPipeline(o), row: outboxRows([this.toOutbox(o, s.execution.id)], true)[0] as OutboxRow })),
    );
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
