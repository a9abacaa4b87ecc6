import { cloneJson, errorMessage, isPlainObject } from '@gennaker/common';
import type { ExpressionFailure, ExpressionPort, ExpressionScopeInput } from './expressions.port';
import {
  allDownstream,
  allUpstreamComplete,
  ancestorsOf,
  anyUpstreamHalted,
  childrenOf,
  descendantsOf,
  downstreamStages,
  findStage,
  initialStages,
  parentOf,
  siblingsOf,
  topLevelStages,
} from './graph.util';
import type { EngineEvent, EngineMessage, OutboundMessage } from './messages';
import type { Execution, Stage, StageError, SyntheticStageOwner, Task } from './model';
import { parametersOf } from './model';
import type { StageRegistry } from './registry';
import type { SyntheticStageSpec, TaskInput, TaskResult } from './stage-definition';
import type { ExecutionStatus } from './status';
import { isComplete, isHalt, letsDownstreamRun } from './status';
import { determineExecutionStatus, determineStageStatus, failureStatus, shouldBuffer } from './status-rules.util';

export const TIME_WINDOW_STAGE_TYPE = 'restrictExecutionDuringTimeWindow';
const DEFAULT_TASK_BACKOFF_MS = 1000;
const DEFAULT_MAX_ATTEMPTS = 5;
/** Guard against a planning bug creating stages forever. */
const MAX_STAGES = 5000;

export interface EngineDeps {
  now: number;
  newId: () => string;
  registry: StageRegistry;
  expressions: ExpressionPort;
  /** Executions of the same pipeline currently running (for StartExecution's concurrency limits). */
  runningSiblings?: number;
  /** Who asked (operator actions). */
  actor?: string;
  /** name -> id of the application's pipelines, for #pipelineId. */
  pipelineIds?: Record<string, string>;
}

export interface TransitionResult {
  messages: OutboundMessage[];
  events: EngineEvent[];
}

/** What happened when a task ran. */
export type TaskOutcome =
  | { kind: 'result'; result: TaskResult }
  | { kind: 'error'; error: unknown; retryable: boolean; code?: string; details?: Array<{ pointer: string; message: string }> }
  | { kind: 'timeout'; result?: TaskResult | void; timeoutMs: number };

/**
 * The engine's state machine. It mutates the execution it is given (the caller's working copy,
 * loaded under the execution's row lock) and returns the messages to send and the status changes
 * to publish. No I/O, no clock, no randomness except through `deps`.
 */
export class Transition {
  readonly messages: OutboundMessage[] = [];
  readonly events: EngineEvent[] = [];

  constructor(
    readonly execution: Execution,
    private readonly deps: EngineDeps,
  ) {}

  result(): TransitionResult {
    return { messages: this.messages, events: this.events };
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  handle(message: EngineMessage): void {
    switch (message.type) {
      case 'StartExecution':
        return this.startExecution();
      case 'StartStage':
        return this.startStageById(message.stageId);
      case 'RunTask':
        // Runs outside the state machine (it does I/O); see prepareRunTask / applyTaskOutcome.
        return;
      case 'CompleteTask':
        return this.completeTaskById(message.stageId, message.taskId, message.status);
      case 'CompleteStage': {
        const stage = findStage(this.execution, message.stageId);
        if (stage) this.completeStage(stage);
        return;
      }
      case 'ContinueParentStage': {
        const stage = findStage(this.execution, message.stageId);
        if (stage) this.advanceStage(stage);
        return;
      }
      case 'CompleteExecution':
        return this.completeExecution();
      case 'CancelExecution':
        return this.cancel(message.reason);
      case 'CancelStage':
        // Calls tasks' onCancel hooks: I/O, done by the runtime.
        return;
      case 'PauseExecution':
        return this.pause();
      case 'ResumeExecution':
        return this.resume();
      case 'RestartStage':
        return this.restartStage(message.stageId);
      case 'SkipStage':
        return this.skipStage(message.stageId);
      case 'ChildExecutionComplete':
        return this.wakeStage(message.stageId);
      case 'StartWaitingExecutions':
        // Concerns several executions: handled by the runtime with freeSlots().
        return;
      case 'ExecutionFinished':
        // Calls the runtime's listeners (triggers, notifications): I/O.
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Execution level

  startExecution(): void {
    const e = this.execution;
    if (e.status !== 'NOT_STARTED' && e.status !== 'BUFFERED') return;
    if (e.canceled) {
      this.finishExecution('CANCELED');
      return;
    }
    if (shouldBuffer(e, this.deps.runningSiblings ?? 0)) {
      if (e.status !== 'BUFFERED') {
        this.setExecutionStatus('BUFFERED');
        // Lets the runtime drop older waiting runs when keepWaitingPipelines is off.
        if (e.pipelineConfigId) this.send({ type: 'StartWaitingExecutions', pipelineConfigId: e.pipelineConfigId });
      }
      return;
    }
    e.startTime = this.deps.now;
    this.setExecutionStatus('RUNNING');
    const initial = initialStages(topLevelStages(e));
    if (initial.length === 0) {
      this.completeExecution();
      return;
    }
    for (const stage of initial) this.startStage(stage);
  }

  completeExecution(): void {
    const e = this.execution;
    if (e.status !== 'RUNNING' && e.status !== 'PAUSED') return;
    const status = determineExecutionStatus(e);
    if (status === undefined) return;
    this.finishExecution(status);
  }

  private finishExecution(status: ExecutionStatus): void {
    const e = this.execution;
    if (status !== 'SUCCEEDED') this.cancelRunningStages(topLevelStages(e));
    if (e.paused && e.paused.resumeTime === null) this.closePause();
    e.endTime = this.deps.now;
    this.setExecutionStatus(status);
    this.send({ type: 'ExecutionFinished', executionId: e.id });
    if (e.pipelineConfigId) this.send({ type: 'StartWaitingExecutions', pipelineConfigId: e.pipelineConfigId });
    if (e.parentExecutionId && e.parentStageId) {
      this.send({
        type: 'ChildExecutionComplete',
        executionId: e.parentExecutionId,
        stageId: e.parentStageId,
        childExecutionId: e.id,
      });
    }
  }

  /** Operator cancel (also a parent's cancel reaching a child). Works in every non-final state. */
  cancel(reason?: string): void {
    const e = this.execution;
    if (isComplete(e.status)) return;
    e.canceled = true;
    if (reason !== undefined) e.cancellationReason = reason;
    if (this.deps.actor && !e.canceledBy) e.canceledBy = this.deps.actor;
    this.finishExecution('CANCELED');
  }

  pause(): void {
    const e = this.execution;
    if (e.status !== 'RUNNING') return;
    e.paused = {
      pauseTime: this.deps.now,
      resumeTime: null,
      pausedBy: this.deps.actor ?? null,
      pausedMs: e.paused?.pausedMs ?? 0,
    };
    this.setExecutionStatus('PAUSED');
    for (const s of e.stages) if (s.status === 'RUNNING') this.setStageStatus(s, 'PAUSED');
  }

  resume(): void {
    const e = this.execution;
    if (e.status !== 'PAUSED') return;
    this.closePause();
    this.setExecutionStatus('RUNNING');
    for (const s of e.stages) if (s.status === 'PAUSED') this.setStageStatus(s, 'RUNNING');
    this.reconcile();
  }

  /** Adds the pause just ending to the paused time of the execution and of what was running. */
  private closePause(): void {
    const p = this.execution.paused;
    if (!p || p.resumeTime !== null) return;
    const now = this.deps.now;
    p.resumeTime = now;
    p.pausedMs += now - p.pauseTime;
    for (const s of this.execution.stages) {
      if ((s.status === 'RUNNING' || s.status === 'PAUSED') && s.startTime !== null) {
        s.pausedMs += now - Math.max(p.pauseTime, s.startTime);
      }
      for (const t of s.tasks) {
        if ((t.status === 'RUNNING' || t.status === 'PAUSED') && t.startTime !== null) {
          t.pausedMs += now - Math.max(p.pauseTime, t.startTime);
          if (t.status === 'PAUSED') this.setTaskStatus(s, t, 'RUNNING');
        }
      }
    }
  }

  /**
   * Sends whatever moves a RUNNING execution forward from its stored state: a RunTask for every
   * running task, a start for every stage that can start, completion when nothing is left. Safe to
   * call at any time; used on resume and by the repair sweep after Redis lost messages.
   */
  reconcile(): void {
    const e = this.execution;
    if (e.status === 'NOT_STARTED' || e.status === 'BUFFERED') {
      this.startExecution();
      return;
    }
    if (e.status !== 'RUNNING') return;
    for (const s of [...e.stages]) {
      if (s.status !== 'RUNNING') continue;
      const running = s.tasks.find((t) => t.status === 'RUNNING');
      if (running) this.sendRunTask(s, running, 0);
      else if (!childrenOf(e, s).some((c) => c.status === 'RUNNING' || c.status === 'PAUSED')) this.advanceStage(s);
    }
    for (const s of [...e.stages]) {
      if (s.status !== 'NOT_STARTED' || !allUpstreamComplete(e, s)) continue;
      const parent = parentOf(e, s);
      if (parent && parent.status !== 'RUNNING') continue;
      // A synthetic stage is started by its parent's advance; top-level ones here.
      if (!parent) this.startStage(s);
    }
    this.completeExecution();
  }

  // ---------------------------------------------------------------------------------------------
  // Stage level

  startStageById(stageId: string): void {
    const stage = findStage(this.execution, stageId);
    if (stage) this.startStage(stage);
  }

  startStage(stage: Stage): void {
    const e = this.execution;
    if (e.status !== 'RUNNING' && e.status !== 'PAUSED') return;
    if (stage.status !== 'NOT_STARTED') return;
    if (anyUpstreamHalted(e, stage)) {
      // Only after a restart upstream of a failure: let the execution settle.
      this.completeExecution();
      return;
    }
    if (!allUpstreamComplete(e, stage)) return; // the last upstream stage to finish starts it
    const now = this.deps.now;

    const enabled = stage.initialContext['stageEnabled'];
    if (isPlainObject(enabled) && typeof enabled['expression'] === 'string' && enabled['expression'].trim() !== '') {
      const raw = enabled['expression'].trim();
      const text = raw.startsWith('${') ? raw : '${' + raw + '}';
      const { value, errors } = this.deps.expressions.evaluateTemplate(text, this.scopeFor(stage));
      if (errors.length > 0) {
        stage.startTime = now;
        stage.context = cloneJson(stage.initialContext);
        this.setStageStatus(stage, 'RUNNING');
        this.recordError(stage, {
          message: `stageEnabled expression failed: ${describeExpressionErrors(errors)}`,
          source: 'expression',
          time: now,
        });
        this.completeStage(stage);
        return;
      }
      if (!truthy(value)) {
        stage.startTime = now;
        stage.endTime = now;
        stage.context = cloneJson(stage.initialContext);
        this.setStageStatus(stage, 'SKIPPED');
        this.afterStageComplete(stage);
        return;
      }
    }

    stage.startTime = now;
    this.setStageStatus(stage, 'RUNNING');

    // Expressions are evaluated once, when the stage starts.
    const { stageEnabled: _ignored, ...toEvaluate } = stage.initialContext;
    const evaluated = this.deps.expressions.evaluateObject(cloneJson(toEvaluate), this.scopeFor(stage));
    const context: Record<string, unknown> = { ...evaluated.value };
    if (_ignored !== undefined) context['stageEnabled'] = _ignored;
    const restartDetails = stage.context['restartDetails'];
    if (restartDetails !== undefined) context['restartDetails'] = restartDetails;
    if (evaluated.errors.length > 0) {
      context['expressionEvaluationSummary'] = evaluated.errors.map((f) => ({
        expression: f.expression,
        position: f.position,
        reason: f.reason,
        pointer: f.path,
      }));
    }
    stage.context = context;
    if (evaluated.errors.length > 0 && context['failOnFailedExpressions'] === true) {
      this.recordError(stage, {
        message: `expression failed: ${describeExpressionErrors(evaluated.errors)}`,
        source: 'expression',
        time: now,
        details: evaluated.errors.map((f) => ({ pointer: f.path, message: `${f.expression} at ${f.position}: ${f.reason}` })),
      });
      this.completeStage(stage);
      return;
    }

    const def = this.deps.registry.definition(stage.type);
    if (!def) {
      this.recordError(stage, { message: `stage type "${stage.type}" is not supported`, source: 'planning', time: now });
      this.completeStage(stage);
      return;
    }
    try {
      const plan = def.plan({ stage, execution: e });
      const before: SyntheticStageSpec[] = [];
      if (stage.parentStageId === null && context['restrictExecutionDuringTimeWindow'] === true) {
        before.push({
          type: TIME_WINDOW_STAGE_TYPE,
          name: 'Restrict execution during time window',
          context: { restrictedExecutionWindow: context['restrictedExecutionWindow'] ?? {} },
        });
      }
      before.push(...(plan.before ?? []));
      this.addSyntheticStages(stage, 'STAGE_BEFORE', before);
      this.addSyntheticStages(stage, 'STAGE_AFTER', plan.after ?? []);
      stage.tasks = plan.tasks.map((t) => ({
        id: this.deps.newId(),
        name: t.name,
        type: t.type,
        status: 'NOT_STARTED',
        startTime: null,
        endTime: null,
        attempts: 0,
        pausedMs: 0,
        lastError: null,
      }));
    } catch (err) {
      this.recordError(stage, { message: `planning failed: ${errorMessage(err)}`, source: 'planning', time: now });
      this.completeStage(stage);
      return;
    }
    this.advanceStage(stage);
  }

  private addSyntheticStages(parent: Stage, owner: SyntheticStageOwner, specs: SyntheticStageSpec[]): void {
    if (specs.length === 0) return;
    if (this.execution.stages.length + specs.length > MAX_STAGES) {
      throw new Error(`an execution may not have more than ${MAX_STAGES} stages`);
    }
    const mark = owner === 'STAGE_BEFORE' ? '<' : '>';
    const localToRef = new Map<string, string>();
    specs.forEach((spec, i) => localToRef.set(spec.refId ?? String(i + 1), `${parent.refId}${mark}${i + 1}`));
    let seq = Math.max(0, ...this.execution.stages.map((s) => s.seq));
    specs.forEach((spec, i) => {
      const refId = `${parent.refId}${mark}${i + 1}`;
      const previous = i === 0 ? [] : [`${parent.refId}${mark}${i}`];
      const requisites =
        spec.requisiteStageRefIds !== undefined
          ? spec.requisiteStageRefIds.map((r) => localToRef.get(r) ?? r)
          : spec.refId !== undefined && specs.some((s) => s.requisiteStageRefIds !== undefined)
            ? []
            : previous;
      const context = cloneJson(spec.context);
      this.execution.stages.push({
        id: this.deps.newId(),
        refId,
        type: spec.type,
        name: spec.name,
        status: 'NOT_STARTED',
        initialContext: context,
        context: cloneJson(context),
        outputs: {},
        requisiteStageRefIds: requisites,
        parentStageId: parent.id,
        syntheticStageOwner: owner,
        startTime: null,
        endTime: null,
        pausedMs: 0,
        tasks: [],
        error: null,
        seq: ++seq,
        failureHandled: false,
        lastModified: null,
      });
    });
  }

  /**
   * Moves a running stage to its next step: before-stages, then its own tasks in order, then
   * after-stages, then completion. Derived from stored state, so calling it twice is harmless.
   */
  advanceStage(stage: Stage): void {
    const e = this.execution;
    if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED') return;

    const before = childrenOf(e, stage, 'STAGE_BEFORE');
    if (before.some((s) => isHalt(s.status))) {
      this.completeStage(stage);
      return;
    }
    if (!before.every((s) => isComplete(s.status))) {
      for (const s of before) if (s.status === 'NOT_STARTED') this.startStage(s);
      return;
    }

    for (const task of stage.tasks) {
      if (task.status === 'SUCCEEDED' || task.status === 'SKIPPED') continue;
      if (task.status === 'NOT_STARTED') {
        task.startTime = this.deps.now;
        this.setTaskStatus(stage, task, 'RUNNING');
        this.sendRunTask(stage, task, 0);
        return;
      }
      if (task.status === 'RUNNING' || task.status === 'PAUSED') return;
      // A failed task ends the stage.
      this.completeStage(stage);
      return;
    }

    const after = childrenOf(e, stage, 'STAGE_AFTER');
    if (after.some((s) => isHalt(s.status))) {
      this.completeStage(stage);
      return;
    }
    if (!after.every((s) => isComplete(s.status))) {
      for (const s of after) if (s.status === 'NOT_STARTED') this.startStage(s);
      return;
    }
    this.completeStage(stage);
  }

  completeStage(stage: Stage): void {
    const e = this.execution;
    if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED' && stage.status !== 'NOT_STARTED') return;
    const status = determineStageStatus(e, stage);
    if (status === undefined) return;

    if ((status === 'TERMINAL' || status === 'STOPPED' || status === 'FAILED_CONTINUE') && !stage.failureHandled) {
      const def = this.deps.registry.definition(stage.type);
      const onFailure = def?.onFailure?.({ stage, execution: e }) ?? [];
      stage.failureHandled = true;
      if (onFailure.length > 0) {
        // Drop after-stages that never started; the failure path replaces them.
        const dropIds = new Set(
          childrenOf(e, stage, 'STAGE_AFTER')
            .filter((s) => s.status === 'NOT_STARTED')
            .flatMap((s) => [s.id, ...descendantsOf(e, s).map((d) => d.id)]),
        );
        e.stages = e.stages.filter((s) => !dropIds.has(s.id));
        const already = childrenOf(e, stage, 'STAGE_AFTER').length;
        const specs = onFailure.map((spec, i) => ({
          ...spec,
          refId: `f${i + 1}`,
          requisiteStageRefIds: i === 0 ? [] : [`f${i}`],
        }));
        this.addSyntheticStagesAt(stage, specs, already);
        this.cancelRunningStages(childrenOf(e, stage, 'STAGE_BEFORE'));
        for (const s of childrenOf(e, stage, 'STAGE_AFTER')) if (s.status === 'NOT_STARTED' && allUpstreamComplete(e, s)) this.startStage(s);
        return;
      }
    }

    // Whatever of this stage still runs (a parallel synthetic branch) stops with it.
    this.cancelRunningStages(childrenOf(e, stage));
    for (const t of stage.tasks) {
      if (t.status === 'RUNNING' || t.status === 'PAUSED') {
        t.endTime = this.deps.now;
        this.setTaskStatus(stage, t, 'CANCELED');
      }
    }
    stage.outputs = mergeChildOutputs(childrenOf(e, stage), stage.outputs);
    stage.endTime = this.deps.now;
    this.setStageStatus(stage, status);
    this.afterStageComplete(stage);
  }

  /** Appends on-failure stages after the existing after-stages, chained in order. */
  private addSyntheticStagesAt(parent: Stage, specs: SyntheticStageSpec[], offset: number): void {
    let seq = Math.max(0, ...this.execution.stages.map((s) => s.seq));
    specs.forEach((spec, i) => {
      const n = offset + i + 1;
      const context = cloneJson(spec.context);
      this.execution.stages.push({
        id: this.deps.newId(),
        refId: `${parent.refId}>${n}`,
        type: spec.type,
        name: spec.name,
        status: 'NOT_STARTED',
        initialContext: context,
        context: cloneJson(context),
        outputs: {},
        requisiteStageRefIds: i === 0 ? [] : [`${parent.refId}>${n - 1}`],
        parentStageId: parent.id,
        syntheticStageOwner: 'STAGE_AFTER',
        startTime: null,
        endTime: null,
        pausedMs: 0,
        tasks: [],
        error: null,
        seq: ++seq,
        failureHandled: false,
        lastModified: null,
      });
    });
  }

  /** Starts what follows a completed stage: its downstream siblings, its parent's next step, or the end. */
  private afterStageComplete(stage: Stage): void {
    const e = this.execution;
    const parent = parentOf(e, stage);
    if (parent) {
      if (stage.status === 'SUCCEEDED' || stage.status === 'SKIPPED') {
        const next = downstreamStages(e, stage);
        if (next.length > 0) for (const s of next) this.startStage(s);
        else this.advanceStage(parent);
      } else {
        // A failed synthetic stage ends its parent's remaining synthetic work (FAILED_CONTINUE
        // included, as in Orca); the parent's status follows from it.
        this.completeStage(parent);
      }
      return;
    }
    if (letsDownstreamRun(stage.status)) {
      for (const s of downstreamStages(e, stage)) this.startStage(s);
      // Settles the execution when nothing is left (or a downstream stage waits on a halted branch).
      this.completeExecution();
      return;
    }
    this.completeExecution();
  }

  private cancelRunningStages(stages: Stage[]): void {
    const e = this.execution;
    for (const s of stages) {
      if (s.status !== 'RUNNING' && s.status !== 'PAUSED') continue;
      this.cancelRunningStages(childrenOf(e, s));
      let hadRunningTask = false;
      for (const t of s.tasks) {
        if (t.status === 'RUNNING' || t.status === 'PAUSED') {
          hadRunningTask = true;
          t.endTime = this.deps.now;
          this.setTaskStatus(s, t, 'CANCELED');
        }
      }
      s.endTime = this.deps.now;
      this.setStageStatus(s, 'CANCELED');
      if (hadRunningTask) this.send({ type: 'CancelStage', executionId: e.id, stageId: s.id }, { queue: 'tasks' });
    }
  }

  /** Operator skip of a running (or waiting) stage: it ends SKIPPED and the pipeline goes on. */
  skipStage(stageId: string): void {
    const e = this.execution;
    const stage = findStage(e, stageId);
    if (!stage || (e.status !== 'RUNNING' && e.status !== 'PAUSED')) return;
    if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED' && stage.status !== 'NOT_STARTED') return;
    const now = this.deps.now;
    this.cancelRunningStages(childrenOf(e, stage));
    let hadRunningTask = false;
    for (const t of stage.tasks) {
      if (!isComplete(t.status)) {
        if (t.status === 'RUNNING' || t.status === 'PAUSED') hadRunningTask = true;
        t.endTime = now;
        this.setTaskStatus(stage, t, 'SKIPPED');
      }
    }
    stage.startTime ??= now;
    stage.endTime = now;
    stage.context['manualSkip'] = true;
    stage.lastModified = { user: this.deps.actor ?? 'anonymous', time: now };
    this.setStageStatus(stage, 'SKIPPED');
    if (hadRunningTask) this.send({ type: 'CancelStage', executionId: e.id, stageId: stage.id }, { queue: 'tasks' });
    this.afterStageComplete(stage);
  }

  /**
   * Operator restart of a finished top-level stage: it and everything downstream of it are reset
   * and run again; a finished execution runs again.
   */
  restartStage(stageId: string): void {
    const e = this.execution;
    let stage = findStage(e, stageId);
    while (stage && stage.parentStageId !== null) stage = parentOf(e, stage);
    if (!stage || !isComplete(stage.status)) return;
    const now = this.deps.now;
    const toReset = [stage, ...allDownstream(e, stage)];
    const removeIds = new Set(toReset.flatMap((s) => descendantsOf(e, s).map((d) => d.id)));
    e.stages = e.stages.filter((s) => !removeIds.has(s.id));
    for (const s of toReset) {
      const previousError = s.error;
      s.context = cloneJson(s.initialContext);
      if (s === stage) {
        s.context['restartDetails'] = {
          restartedBy: this.deps.actor ?? 'anonymous',
          restartTime: now,
          previousError: previousError ?? undefined,
        };
      }
      s.outputs = {};
      s.tasks = [];
      s.startTime = null;
      s.endTime = null;
      s.pausedMs = 0;
      s.error = null;
      s.failureHandled = false;
      this.setStageStatus(s, 'NOT_STARTED');
    }
    if (e.status !== 'RUNNING' && e.status !== 'PAUSED') {
      e.canceled = false;
      e.canceledBy = null;
      e.cancellationReason = null;
      e.endTime = null;
      e.startTime ??= now;
      this.setExecutionStatus('RUNNING');
    }
    this.startStage(stage);
  }

  /** Records a manual judgment on a running manualJudgment-like stage and wakes its task. */
  judge(stageId: string, patch: Record<string, unknown>): void {
    const stage = findStage(this.execution, stageId);
    if (!stage) return;
    Object.assign(stage.context, patch);
    stage.lastModified = { user: this.deps.actor ?? 'anonymous', time: this.deps.now };
    this.wakeStage(stageId);
  }

  /** Runs a stage's polling task now instead of after its backoff. */
  wakeStage(stageId: string): void {
    const stage = findStage(this.execution, stageId);
    if (!stage || this.execution.status !== 'RUNNING') return;
    const task = stage.tasks.find((t) => t.status === 'RUNNING');
    if (task) this.sendRunTask(stage, task, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks

  completeTaskById(stageId: string, taskId: string, status: ExecutionStatus): void {
    const stage = findStage(this.execution, stageId);
    const task = stage?.tasks.find((t) => t.id === taskId);
    if (!stage || !task || (task.status !== 'RUNNING' && task.status !== 'PAUSED')) return;
    task.endTime = this.deps.now;
    this.setTaskStatus(stage, task, status);
    this.advanceStage(stage);
  }

  /**
   * Applies what a task run produced. Ignored when the task is no longer running (the stage was
   * canceled, skipped or restarted while the task ran).
   */
  applyTaskOutcome(stageId: string, taskId: string, outcome: TaskOutcome): void {
    const e = this.execution;
    const stage = findStage(e, stageId);
    const task = stage?.tasks.find((t) => t.id === taskId);
    if (!stage || !task) return;
    if (task.status !== 'RUNNING' && task.status !== 'PAUSED') return;
    if (e.status !== 'RUNNING' && e.status !== 'PAUSED') return;
    const now = this.deps.now;
    const impl = this.deps.registry.task(task.type);

    if (outcome.kind === 'error') {
      const message = errorMessage(outcome.error);
      const maxAttempts = impl?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      task.attempts += 1;
      task.lastError = message;
      if (outcome.retryable && task.attempts < maxAttempts) {
        this.sendRunTask(stage, task, Math.min(60_000, 1000 * 2 ** (task.attempts - 1)));
        return;
      }
      this.recordError(stage, {
        message: outcome.retryable ? `${message} (gave up after ${task.attempts} attempts)` : message,
        source: `task:${task.name}`,
        code: outcome.code,
        details: outcome.details,
        time: now,
      });
      task.endTime = now;
      this.setTaskStatus(stage, task, failureStatus(stage, 'TERMINAL'));
      this.advanceStage(stage);
      return;
    }

    if (outcome.kind === 'timeout') {
      const r = outcome.result;
      if (r) this.mergeResult(stage, r);
      const status = r && (r.status === 'TERMINAL' || r.status === 'FAILED_CONTINUE') ? r.status : 'TERMINAL';
      this.recordError(stage, {
        message: r?.error?.message ?? `${task.name} timed out after ${formatMs(outcome.timeoutMs)}`,
        source: 'timeout',
        time: now,
      });
      task.endTime = now;
      this.setTaskStatus(stage, task, status === 'FAILED_CONTINUE' ? 'FAILED_CONTINUE' : failureStatus(stage, 'TERMINAL'));
      this.advanceStage(stage);
      return;
    }

    const r = outcome.result;
    this.mergeResult(stage, r);
    task.attempts = 0;
    switch (r.status) {
      case 'RUNNING': {
        if (e.status === 'PAUSED') {
          this.setTaskStatus(stage, task, 'PAUSED');
          return;
        }
        const backoff = r.backoffMs ?? DEFAULT_TASK_BACKOFF_MS;
        this.sendRunTask(stage, task, Math.max(0, backoff));
        return;
      }
      case 'SUCCEEDED':
      case 'SKIPPED':
        task.endTime = now;
        this.setTaskStatus(stage, task, r.status);
        this.advanceStage(stage);
        return;
      case 'FAILED_CONTINUE':
      case 'STOPPED':
        if (r.error) this.recordError(stage, { ...r.error, source: `task:${task.name}`, time: now });
        task.endTime = now;
        this.setTaskStatus(stage, task, r.status);
        this.advanceStage(stage);
        return;
      case 'TERMINAL':
      case 'CANCELED':
        this.recordError(stage, {
          message: r.error?.message ?? `${task.name} ended ${r.status}`,
          code: r.error?.code,
          details: r.error?.details,
          source: `task:${task.name}`,
          time: now,
        });
        task.endTime = now;
        this.setTaskStatus(stage, task, failureStatus(stage, r.status));
        this.advanceStage(stage);
        return;
      case 'REDIRECT':
        this.recordError(stage, { message: `${task.name} answered REDIRECT, which is not supported`, source: `task:${task.name}`, time: now });
        task.endTime = now;
        this.setTaskStatus(stage, task, failureStatus(stage, 'TERMINAL'));
        this.advanceStage(stage);
        return;
    }
  }

  /** Marks a task paused because its execution is paused; resume sends it again. */
  pauseTask(stageId: string, taskId: string): void {
    const stage = findStage(this.execution, stageId);
    const task = stage?.tasks.find((t) => t.id === taskId);
    if (!stage || !task || task.status !== 'RUNNING') return;
    this.setTaskStatus(stage, task, 'PAUSED');
  }

  private mergeResult(stage: Stage, r: TaskResult): void {
    if (r.context) Object.assign(stage.context, r.context);
    if (r.outputs) Object.assign(stage.outputs, r.outputs);
  }

  private sendRunTask(stage: Stage, task: Task, delayMs: number): void {
    this.send(
      { type: 'RunTask', executionId: this.execution.id, stageId: stage.id, taskId: task.id },
      { delayMs, queue: this.deps.registry.taskQueue(task.type), dedupeKey: `run:${task.id}` },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  scopeFor(stage: Stage): ExpressionScopeInput {
    return expressionScope(this.execution, stage, this.deps.pipelineIds);
  }

  private recordError(stage: Stage, error: StageError): void {
    // The first root cause stays; later errors are consequences.
    if (stage.error === null) stage.error = stripUndefined(error);
  }

  private send(message: EngineMessage, options: Omit<OutboundMessage, 'message'> = {}): void {
    this.messages.push({ message, ...options });
  }

  private setExecutionStatus(status: ExecutionStatus): void {
    const e = this.execution;
    if (e.status === status) return;
    this.events.push({ kind: 'execution', executionId: e.id, name: e.name, status, previousStatus: e.status, time: this.deps.now });
    e.status = status;
  }

  private setStageStatus(stage: Stage, status: ExecutionStatus): void {
    if (stage.status === status) return;
    this.events.push({
      kind: 'stage',
      executionId: this.execution.id,
      stageId: stage.id,
      stageType: stage.type,
      name: stage.name,
      status,
      previousStatus: stage.status,
      time: this.deps.now,
    });
    stage.status = status;
  }

  private setTaskStatus(stage: Stage, task: Task, status: ExecutionStatus): void {
    if (task.status === status) return;
    this.events.push({
      kind: 'task',
      executionId: this.execution.id,
      stageId: stage.id,
      taskId: task.id,
      name: task.name,
      status,
      previousStatus: task.status,
      time: this.deps.now,
    });
    task.status = status;
  }
}

/** Variables a stage's expressions see: upstream outputs, its own context, trigger, parameters, execution. */
export function expressionScope(e: Execution, stage: Stage, pipelineIds?: Record<string, string>): ExpressionScopeInput {
  const root: Record<string, unknown> = {};
  const ancestors = ancestorsOf(e, stage);
  for (let i = ancestors.length - 1; i >= 0; i--) Object.assign(root, (ancestors[i] as Stage).outputs);
  Object.assign(root, stage.initialContext);
  root['trigger'] = e.trigger;
  root['parameters'] = parametersOf(e);
  root['execution'] = {
    id: e.id,
    type: e.type,
    application: e.application,
    name: e.name,
    pipelineConfigId: e.pipelineConfigId,
    status: e.status,
    startTime: e.startTime,
    buildTime: e.buildTime,
    trigger: e.trigger,
  };
  return {
    root,
    stages: e.stages.map((s) => ({
      id: s.id,
      refId: s.refId,
      name: s.name,
      type: s.type,
      status: s.status,
      context: s.context,
      outputs: s.outputs,
    })),
    pipelineIds,
  };
}

/** Builds the input a task implementation receives. */
export function taskInput(
  execution: Execution,
  stage: Stage,
  task: Task,
  now: number,
  signal: AbortSignal,
): TaskInput {
  const pausedNow = execution.paused && execution.paused.resumeTime === null ? now - execution.paused.pauseTime : 0;
  const stageElapsedMs = stage.startTime === null ? 0 : Math.max(0, now - stage.startTime - stage.pausedMs - pausedNow);
  const taskElapsedMs = task.startTime === null ? 0 : Math.max(0, now - task.startTime - task.pausedMs - pausedNow);
  const ancestors = ancestorsOf(execution, stage);
  return {
    execution,
    stage,
    task,
    stageElapsedMs,
    taskElapsedMs,
    now,
    signal,
    lookup(key: string): unknown {
      if (Object.prototype.hasOwnProperty.call(stage.context, key)) return stage.context[key];
      for (const a of ancestors) {
        if (Object.prototype.hasOwnProperty.call(a.outputs, key)) return a.outputs[key];
      }
      return undefined;
    },
  };
}

export type RunTaskDecision =
  | { action: 'drop'; reason: string }
  | { action: 'pause' }
  | { action: 'execute'; stage: Stage; task: Task; timeoutMs: number | null };

/**
 * Whether a RunTask message should run its task now. The task runs outside the row lock, so this
 * reads a snapshot; `applyTaskOutcome` re-checks under the lock.
 */
export function prepareRunTask(
  execution: Execution,
  stageId: string,
  taskId: string,
  registry: StageRegistry,
  now: number,
): RunTaskDecision {
  const stage = findStage(execution, stageId);
  const task = stage?.tasks.find((t) => t.id === taskId);
  if (!stage || !task) return { action: 'drop', reason: 'task no longer exists (stage restarted?)' };
  if (execution.canceled || isComplete(execution.status)) return { action: 'drop', reason: `execution is ${execution.status}` };
  if (execution.status === 'PAUSED') return { action: 'pause' };
  if (task.status !== 'RUNNING') return { action: 'drop', reason: `task is ${task.status}` };
  if (stage.status !== 'RUNNING') return { action: 'drop', reason: `stage is ${stage.status}` };
  const impl = registry.task(task.type);
  const input = taskInput(execution, stage, task, now, new AbortController().signal);
  const limits: Array<{ ms: number; elapsed: number }> = [];
  const own = impl?.timeoutMs?.(input);
  if (own !== undefined && own > 0) limits.push({ ms: own, elapsed: input.taskElapsedMs });
  const stageTimeout = stage.context['stageTimeoutMs'];
  if (stage.context['overrideTimeout'] === true && typeof stageTimeout === 'number' && stageTimeout > 0) {
    limits.push({ ms: stageTimeout, elapsed: input.stageElapsedMs });
  }
  const expired = limits.find((l) => l.elapsed >= l.ms);
  if (expired) return { action: 'execute', stage, task, timeoutMs: expired.ms };
  return { action: 'execute', stage, task, timeoutMs: null };
}

/** Milliseconds until the nearest timeout of a running task, to cap its polling delay. */
export function remainingTimeoutMs(execution: Execution, stage: Stage, task: Task, registry: StageRegistry, now: number): number | null {
  const input = taskInput(execution, stage, task, now, new AbortController().signal);
  const remaining: number[] = [];
  const own = registry.task(task.type)?.timeoutMs?.(input);
  if (own !== undefined && own > 0) remaining.push(own - input.taskElapsedMs);
  const stageTimeout = stage.context['stageTimeoutMs'];
  if (stage.context['overrideTimeout'] === true && typeof stageTimeout === 'number' && stageTimeout > 0) {
    remaining.push(stageTimeout - input.stageElapsedMs);
  }
  return remaining.length === 0 ? null : Math.max(0, Math.min(...remaining));
}

function mergeChildOutputs(children: Stage[], own: Record<string, unknown>): Record<string, unknown> {
  if (children.length === 0) return own;
  const merged: Record<string, unknown> = {};
  for (const c of [...children].sort((a, b) => a.seq - b.seq)) {
    for (const [k, v] of Object.entries(c.outputs)) {
      const prev = merged[k];
      // Per-region children (bake, deploy) each report a list: the parent reports all of them.
      merged[k] = Array.isArray(prev) && Array.isArray(v) ? [...prev, ...v] : v;
    }
  }
  return { ...merged, ...own };
}

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  return v === true;
}

function describeExpressionErrors(errors: ExpressionFailure[]): string {
  return errors.map((f) => `\${${f.expression}} at position ${f.position}: ${f.reason}`).join('; ');
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Convenience: apply one message to an execution. */
export function handleMessage(execution: Execution, message: EngineMessage, deps: EngineDeps): TransitionResult {
  const t = new Transition(execution, deps);
  t.handle(message);
  return t.result();
}

export { siblingsOf };
