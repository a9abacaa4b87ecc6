import { randomUUID } from 'node:crypto';
import { Coalescer, ConflictError, InputError, isPlainObject, NotFoundError } from '@gennaker/common';
import {
  createExecution,
  DeferredLauncher,
  EXECUTION_LAUNCHER,
  findStage,
  isComplete,
  resolveParameters,
  topLevelStages,
  type ChildExecutionSummary,
  type Execution,
  type ExecutionLauncher,
  type ExecutionStatus,
} from '@gennaker/engine';
import {
  ExecutionRepository,
  PipelineConfigRepository,
  toStoredMessage,
  type ExecutionListFilter,
  type ExecutionSummary,
  type PipelineConfigEntity,
  type OutboxRow,
  type RowsToInsert,
  type StoredOutboxMessage,
} from '@gennaker/persistence';
import type { PipelineConfig } from '@gennaker/pipeline';
import { bindArtifacts, type Artifact } from '@gennaker/triggers';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { EngineService } from './engine.service';
import type { ExecutionAuthorizer } from './execution-authorizer';
import { DATA_SOURCE, EXECUTION_REPOSITORY, PIPELINE_CONFIG_REPOSITORY } from './tokens';

export interface StartPipelineRequest {
  parameters?: Record<string, unknown>;
  artifacts?: unknown[];
  user?: string;
  /** Extra trigger fields (a webhook's hash, branch, payload...). */
  trigger?: Record<string, unknown>;
  parentExecutionId?: string;
  parentStageId?: string;
}

/** A new execution's rows, built and not stored yet: it, its start message and its audit records. */
interface StartItem {
  execution: Execution;
  outboxRows: OutboxRow[];
  also: RowsToInsert[];
}

/** A start checked and built by prepareStartIn, not stored yet. */
export type PreparedStart = Readonly<StartItem>;

export interface OrchestrationRequest {
  application: string;
  description: string;
  user?: string;
  job: Array<Record<string, unknown> & { type: string }>;
}

/**
 * Starting, reading and steering executions. Operator actions (cancel, pause, resume, restart,
 * skip, judge) are recorded in Postgres under the execution's lock before this returns.
 */
@Injectable()
export class ExecutionService {
  private authorizer: ExecutionAuthorizer | null = null;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: ExecutionRepository,
    @Inject(PIPELINE_CONFIG_REPOSITORY) private readonly pipelines: PipelineConfigRepository,
    @Inject(EngineService) private readonly engine: EngineService,
    @Inject(EXECUTION_LAUNCHER) deferred: DeferredLauncher,
  ) {
    deferred.bind(this.launcher);
  }

  /** The security module's checks (who may start what, as whom); without one every start is allowed. */
  useAuthorizer(authorizer: ExecutionAuthorizer): void {
    this.authorizer = authorizer;
  }

  async startPipeline(pipelineId: string, request: StartPipelineRequest): Promise<Execution> {
    const row = await this.pipelines.byId(pipelineId);
    if (!row) throw new NotFoundError(`pipeline ${pipelineId} not found`);
    return this.startConfig(row, request);
  }

  async startConfig(row: PipelineConfigEntity, request: StartPipelineRequest): Promise<Execution> {
    const execution = await this.prepare(row, request);
    await this.persistAndStart(execution);
    return execution;
  }

  /**
   * startConfig in the caller's transaction (e.g. a webhook recording its delivery with what it
   * started). Its start message is stored undispatched, so the relay queues it after that commit
   * even if the caller does not; callers queue the returned `startMessages` themselves sooner.
   */
  async startConfigIn(m: EntityManager, row: PipelineConfigEntity, request: StartPipelineRequest): Promise<{ execution: Execution; startMessages: StoredOutboxMessage[] }> {
    const prepared = await this.prepareStartIn(m, row, request);
    return { execution: prepared.execution, startMessages: await this.storeStartsIn(m, [prepared]) };
  }

  /**
   * The checks and reads of startConfigIn (parameters, a disabled pipeline, who may start it), in
   * the caller's transaction, without writing: several prepared starts are then stored by one
   * storeStartsIn. A refused start throws here, before anything is written.
   */
  async prepareStartIn(m: EntityManager, row: PipelineConfigEntity, request: StartPipelineRequest): Promise<PreparedStart> {
    return this.startItem(await this.prepare(row, request, m), false);
  }

  /**
   * Stores prepared starts in the caller's transaction (or, on its own, atomically), in one
   * statement with `extra` rows; returns their start messages.
   */
  async storeStartsIn(m: EntityManager, prepared: PreparedStart[], extra: RowsToInsert[] = []): Promise<StoredOutboxMessage[]> {
    if (prepared.length === 0 && extra.length === 0) return [];
    return (await this.executions.insertMany(m, prepared, extra)).map(toStoredMessage);
  }

  private async prepare(row: PipelineConfigEntity, request: StartPipelineRequest, manager?: EntityManager): Promise<Execution> {
    const config = row.config as unknown as PipelineConfig;
    if (row.disabled || config.disabled === true) {
      throw new ConflictError(`pipeline "${row.name}" of ${row.application} is disabled`);
    }
    if (request.parameters !== undefined && !isPlainObject(request.parameters)) {
      throw new InputError('parameters must be an object', [{ pointer: '/parameters', message: 'must be an object of name -> value' }]);
    }
    const { parameters, errors } = resolveParameters(config.parameterConfig, request.parameters);
    if (errors.length > 0) throw new InputError('invalid parameters', errors);
    const trigger: Record<string, unknown> = {
      type: 'manual',
      user: request.user ?? 'anonymous',
      ...(request.trigger ?? {}),
      parameters,
      artifacts: request.artifacts ?? (request.trigger?.['artifacts'] as unknown[] | undefined) ?? [],
    };
    // A manual start binds the expected artifacts as a trigger does: given artifacts, then defaults.
    if (request.trigger === undefined && request.parentExecutionId === undefined) Object.assign(trigger, manualArtifacts(config, request.artifacts ?? []));
    const authentication = await this.authorizer?.authorizeStart({
      type: 'PIPELINE',
      application: row.application,
      pipelineConfigId: row.id,
      config: config as unknown as Record<string, unknown>,
      trigger,
      parentExecutionId: request.parentExecutionId,
      manager,
    });
    if (authentication) trigger['authentication'] = authentication;
    const execution = createExecution({
      id: randomUUID(),
      type: 'PIPELINE',
      config: { ...config, application: row.application, name: row.name, version: row.version },
      pipelineConfigId: row.id,
      trigger,
      now: Date.now(),
      newId: randomUUID,
      parentExecutionId: request.parentExecutionId,
      parentStageId: request.parentStageId,
    });
    return execution;
  }

  /** An ad-hoc orchestration (server group operations from the UI or CLI): its steps run in order. */
  async startOrchestration(request: OrchestrationRequest): Promise<Execution> {
    if (!Array.isArray(request.job) || request.job.length === 0) {
      throw new InputError('an orchestration needs at least one job', [{ pointer: '/job', message: 'must be a non-empty list' }]);
    }
    const errors = request.job.flatMap((step, i) => {
      if (!isPlainObject(step) || typeof step.type !== 'string') return [{ pointer: `/job/${i}/type`, message: 'each job needs a type' }];
      if (!this.engine.registry.definition(step.type)) {
        return [{ pointer: `/job/${i}/type`, message: `unknown operation "${step.type}"` }];
      }
      return [];
    });
    if (errors.length > 0) throw new InputError('invalid orchestration', errors);
    const trigger: Record<string, unknown> = { type: 'manual', user: request.user ?? 'anonymous' };
    const authentication = await this.authorizer?.authorizeStart({ type: 'ORCHESTRATION', application: request.application, pipelineConfigId: null, config: { stages: request.job }, trigger });
    if (authentication) trigger['authentication'] = authentication;
    const execution = createExecution({
      id: randomUUID(),
      type: 'ORCHESTRATION',
      config: {
        application: request.application,
        name: request.description,
        limitConcurrent: false,
        stages: request.job.map((step, i) => ({
          ...step,
          refId: String(i + 1),
          requisiteStageRefIds: i === 0 ? [] : [String(i)],
          name: typeof step['name'] === 'string' ? step['name'] : step.type,
        })),
      },
      pipelineConfigId: null,
      trigger,
      now: Date.now(),
      newId: randomUUID,
    });
    await this.persistAndStart(execution);
    return execution;
  }

  /** A new execution's rows: it, its start message and its audit event exist together or not at all. */
  private startItem(execution: Execution, dispatchedByCaller: boolean): StartItem {
    return {
      execution,
      outboxRows: this.engine.outboxRows([{ message: { type: 'StartExecution', executionId: execution.id } }], { dispatchedByCaller }),
      also: this.authorizer?.startRecords?.(execution) ?? [],
    };
  }

  /** Stores a new execution (with other starts of the same moment) and queues its start message. */
  private async persistAndStart(execution: Execution): Promise<void> {
    const item = this.startItem(execution, true);
    let stored: StoredOutboxMessage[];
    try {
      stored = await this.starts.submit(item);
    } catch {
      // The group's statement failed, maybe for another start: this one is stored on its own.
      stored = (await this.executions.insertMany(this.ds.manager, [item])).map(toStoredMessage);
    }
    await this.engine.afterCommit(
      stored.filter((m) => m.executionId === execution.id),
      [{ kind: 'execution', executionId: execution.id, name: execution.name, status: 'NOT_STARTED', time: Date.now() }],
    );
  }

  /**
   * New executions started at the same moment (concurrent requests) are stored by one statement
   * (one commit) instead of one each; a start arriving while none is being stored goes at once.
   */
  private readonly starts = new Coalescer<StartItem, StoredOutboxMessage[]>(async (items) =>
    (await this.executions.insertMany(this.ds.manager, items)).map(toStoredMessage),
  );

  async get(id: string): Promise<Execution> {
    const e = await this.executions.load(id);
    if (!e) throw new NotFoundError(`execution ${id} not found`);
    return e;
  }

  list(filter: ExecutionListFilter): Promise<{ items: ExecutionSummary[]; nextCursor: { buildTime: number; id: string } | null }> {
    return this.executions.list(filter);
  }

  async cancel(id: string, user: string, reason?: string): Promise<Execution> {
    const r = await this.engine.apply(id, { actor: user }, ({ execution, transition }) => {
      if (isComplete(execution.status)) {
        if (execution.status === 'CANCELED') return;
        throw new ConflictError(`execution ${id} already ended ${execution.status}`);
      }
      transition.cancel(reason);
    });
    if (!r) throw new NotFoundError(`execution ${id} not found`);
    return r.execution;
  }

  async pause(id: string, user: string): Promise<Execution> {
    return this.command(id, user, (e, t) => {
      if (e.status === 'PAUSED') return;
      if (e.status !== 'RUNNING') throw new ConflictError(`only a RUNNING execution can be paused; this one is ${e.status}`);
      t.pause();
    });
  }

  async resume(id: string, user: string): Promise<Execution> {
    return this.command(id, user, (e, t) => {
      if (e.status === 'RUNNING') return;
      if (e.status !== 'PAUSED') throw new ConflictError(`only a PAUSED execution can be resumed; this one is ${e.status}`);
      t.resume();
    });
  }

  async restartStage(id: string, stageId: string, user: string): Promise<Execution> {
    return this.command(id, user, (e, t) => {
      const stage = this.stageOf(e, stageId);
      if (!isComplete(stage.status)) throw new ConflictError(`stage "${stage.name}" is ${stage.status}; only a finished stage can be restarted`);
      t.restartStage(stageId);
    });
  }

  async skipStage(id: string, stageId: string, user: string): Promise<Execution> {
    return this.command(id, user, (e, t) => {
      const stage = this.stageOf(e, stageId);
      if (e.status !== 'RUNNING' && e.status !== 'PAUSED') throw new ConflictError(`execution is ${e.status}; stages can only be skipped while it runs`);
      if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED' && stage.status !== 'NOT_STARTED') {
        throw new ConflictError(`stage "${stage.name}" is ${stage.status}; only a running or waiting stage can be skipped`);
      }
      t.skipStage(stageId);
    });
  }

  /** A manual judgment: `continue` or `stop`, with an optional input chosen among the stage's judgmentInputs. */
  async judge(id: string, stageId: string, user: string, body: { judgmentStatus?: unknown; judgmentInput?: unknown }): Promise<Execution> {
    const status = body.judgmentStatus;
    if (status !== 'continue' && status !== 'stop') {
      throw new InputError('judgmentStatus must be "continue" or "stop"', [{ pointer: '/judgmentStatus', message: 'must be "continue" or "stop"' }]);
    }
    if (body.judgmentInput !== undefined && typeof body.judgmentInput !== 'string') {
      throw new InputError('judgmentInput must be a string', [{ pointer: '/judgmentInput', message: 'must be a string' }]);
    }
    return this.command(id, user, (e, t) => {
      const stage = this.stageOf(e, stageId);
      if (stage.type !== 'manualJudgment') throw new ConflictError(`stage "${stage.name}" is a ${stage.type}, not a manual judgment`);
      if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED') throw new ConflictError(`stage "${stage.name}" is ${stage.status}; it is not awaiting judgment`);
      if (stage.context['judgmentStatus']) throw new ConflictError(`stage "${stage.name}" was already judged "${String(stage.context['judgmentStatus'])}"`);
      const inputs = stage.context['judgmentInputs'];
      if (body.judgmentInput !== undefined && Array.isArray(inputs) && inputs.length > 0) {
        const allowed = inputs.map((i) => (isPlainObject(i) ? String(i['value']) : String(i)));
        if (!allowed.includes(body.judgmentInput as string)) {
          throw new InputError(`judgmentInput must be one of ${allowed.join(', ')}`, [{ pointer: '/judgmentInput', message: `must be one of ${allowed.join(', ')}` }]);
        }
      }
      t.judge(stageId, {
        judgmentStatus: status,
        ...(body.judgmentInput !== undefined ? { judgmentInput: body.judgmentInput } : {}),
        lastModifiedBy: user,
      });
    });
  }

  /** Ends a wait (or a time-window wait) now instead of at its end. */
  async skipRemainingWait(id: string, stageId: string, user: string): Promise<Execution> {
    return this.command(id, user, (e, t) => {
      const stage = this.stageOf(e, stageId);
      if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED') throw new ConflictError(`stage "${stage.name}" is ${stage.status}; it is not waiting`);
      const waiting = stage.tasks.some((task) => (task.type === 'wait' || task.type === 'waitForExecutionWindow') && task.status === 'RUNNING');
      if (!waiting) throw new ConflictError(`stage "${stage.name}" is not a wait`);
      t.judge(stageId, { skipRemainingWait: true });
    });
  }

  private async command(id: string, user: string, fn: (e: Execution, t: import('@gennaker/engine').Transition) => void): Promise<Execution> {
    const r = await this.engine.apply(id, { actor: user }, ({ execution, transition }) => fn(execution, transition));
    if (!r) throw new NotFoundError(`execution ${id} not found`);
    return r.execution;
  }

  private stageOf(e: Execution, stageId: string) {
    const stage = findStage(e, stageId);
    if (!stage) throw new NotFoundError(`stage ${stageId} not found in execution ${e.id}`);
    return stage;
  }

  // --- ExecutionLauncher (the pipeline stage) ---------------------------------------------------

  async startChild(input: Parameters<ExecutionLauncher['startChild']>[0]): Promise<{ executionId: string }> {
    const existing = await this.executions.childOf(input.parentStageId);
    if (existing) return { executionId: existing.id };
    const row = (await this.pipelines.byId(input.pipeline)) ?? (await this.pipelines.byName(input.application, input.pipeline));
    if (!row) throw new InputError(`pipeline "${input.pipeline}" not found in ${input.application}`, [{ pointer: '/pipeline', message: 'no such pipeline' }]);
    const parent = await this.executions.load(input.parentExecutionId);
    const e = await this.startConfig(row, {
      parameters: input.parameters,
      user: input.user,
      trigger: {
        type: 'pipeline',
        parentExecution: parent ? { id: parent.id, application: parent.application, name: parent.name, pipelineConfigId: parent.pipelineConfigId } : { id: input.parentExecutionId },
        parentPipelineStageId: input.parentStageId,
      },
      parentExecutionId: input.parentExecutionId,
      parentStageId: input.parentStageId,
    });
    return { executionId: e.id };
  }

  async summary(executionId: string): Promise<ChildExecutionSummary | null> {
    const e = await this.executions.load(executionId);
    if (!e) return null;
    const outputs: Record<string, unknown> = {};
    for (const s of topLevelStages(e)) Object.assign(outputs, s.outputs);
    const failed = e.stages.find((s) => s.error !== null && (s.status === 'TERMINAL' || s.status === 'STOPPED'));
    return { id: e.id, status: e.status as ExecutionStatus, outputs, error: failed?.error?.message };
  }

  async cancelChild(executionId: string, reason: string): Promise<void> {
    await this.engine.apply(executionId, { actor: 'parent pipeline' }, ({ transition }) => transition.cancel(reason));
  }

  // `cancel` of ExecutionLauncher has a different shape than the operator cancel above.
  readonly launcher: ExecutionLauncher = {
    startChild: (i) => this.startChild(i),
    summary: (id) => this.summary(id),
    cancel: (id, reason) => this.cancelChild(id, reason),
  };
}

/**
 * The artifacts of a manual start: those given, bound to the pipeline's expectedArtifacts (a match,
 * else the default when `useDefaultArtifact`). Expected artifacts that a manual trigger of the
 * pipeline lists in `expectedArtifactIds` are required: 400 when neither matched nor defaulted.
 */
function manualArtifacts(config: PipelineConfig, given: unknown[]): { artifacts: Artifact[]; resolvedExpectedArtifacts?: unknown[] } {
  const errors = given.flatMap((a, i) => (isPlainObject(a) ? [] : [{ pointer: `/artifacts/${i}`, message: 'must be an object (type, name, reference, version...)' }]));
  if (errors.length > 0) throw new InputError('invalid artifacts', errors);
  const expected = Array.isArray(config.expectedArtifacts) ? config.expectedArtifacts : [];
  if (expected.length === 0) return { artifacts: given as Artifact[] };
  const triggers = Array.isArray(config.triggers) ? (config.triggers as unknown as Array<Record<string, unknown>>) : [];
  const required = triggers.filter((t) => isPlainObject(t) && t['type'] === 'manual' && Array.isArray(t['expectedArtifactIds'])).flatMap((t) => (t['expectedArtifactIds'] as unknown[]).map(String));
  const binding = bindArtifacts(expected, given as Artifact[], required);
  if (binding.missing.length > 0) {
    throw new InputError(
      `expected artifact ${binding.missing.map((id) => `"${id}"`).join(', ')} matched no given artifact and has no default`,
      binding.missing.map((id) => ({ pointer: '/artifacts', message: `nothing matches expected artifact "${id}"` })),
    );
  }
  return { artifacts: binding.artifacts, resolvedExpectedArtifacts: binding.resolvedExpectedArtifacts };
}
