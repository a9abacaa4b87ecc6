import { GennakerError } from '@gennaker/common';
import type { Execution } from '@gennaker/engine';
import { PipelineConfigEntity, preparedQuery, type StoredOutboxMessage } from '@gennaker/persistence';
import { DATA_SOURCE, ExecutionService, OutboxDispatcher } from '@gennaker/runtime';
import { TriggerDeliveryRepository } from '@gennaker/trigger-store';
import { bindArtifacts, matchPipelineTrigger, type Artifact } from '@gennaker/triggers';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CronTickJob } from './cron-schedulers.service';
import { TRIGGER_DELIVERIES } from './tokens';
import { TriggerIndex } from './trigger-index.service';
import { TxLimiter } from './tx-limiter.service';

export type StartOutcome = { started: string } | { skipped: string };

/**
 * Starts pipelines for cron ticks and for finished upstream executions, each at most once: the
 * start key (`cron:<pipeline>:<trigger>:<tick>`, `pipeline:<upstream>:<pipeline>:<trigger>`) is
 * claimed in the transaction that records the execution.
 */
@Injectable()
export class TriggerStarts {
  private readonly log = new Logger(TriggerStarts.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository,
    @Inject(ExecutionService) private readonly executions: ExecutionService,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(TriggerIndex) private readonly index: TriggerIndex,
    @Inject(TxLimiter) private readonly limiter: TxLimiter,
  ) {}

  /** Starts `row` once for `key`; refusals (a disabled pipeline, bad parameters) are final and logged. */
  async startOnce(key: string, row: PipelineConfigEntity, trigger: Record<string, unknown>, artifacts: Artifact[] = []): Promise<StartOutcome> {
    const r = await this.limiter.run(() => this.ds.transaction(async (m): Promise<{ outcome: StartOutcome; messages: StoredOutboxMessage[] }> => {
      if (!(await this.deliveries.claimStart(m, key, null))) return { outcome: { skipped: 'already started for this key' }, messages: [] };
      const ids = Array.isArray(trigger['expectedArtifactIds']) ? (trigger['expectedArtifactIds'] as unknown[]).map(String) : [];
      const binding = bindArtifacts(row.config['expectedArtifacts'] as never, artifacts, ids);
      if (binding.missing.length > 0) return { outcome: { skipped: `expected artifact ${binding.missing.join(', ')} matched nothing and has no default` }, messages: [] };
      try {
        const { execution: e, startMessages } = await this.executions.startConfigIn(m, row, { user: String(trigger['user'] ?? trigger['type']), artifacts: binding.artifacts, trigger: { ...trigger, resolvedExpectedArtifacts: binding.resolvedExpectedArtifacts } });
        await preparedQuery(m, `UPDATE trigger_starts SET execution_id = $2 WHERE key = $1`, [key, e.id]);
        return { outcome: { started: e.id }, messages: startMessages };
      } catch (err) {
        if (!(err instanceof GennakerError) || err.retryable) throw err;
        return { outcome: { skipped: err.message }, messages: [] };
      }
    }));
    await this.dispatcher.dispatch(r.messages);
    if ('skipped' in r.outcome && r.outcome.skipped !== 'already started for this key') this.log.warn(`${key}: not started: ${r.outcome.skipped}`);
    return r.outcome;
  }

  /** One cron tick. A tick of a trigger that changed or went away since it was scheduled starts nothing. */
  async cronTick(job: CronTickJob, tickMs: number): Promise<StartOutcome> {
    const row = await this.ds.manager.findOne(PipelineConfigEntity, { where: { id: job.pipelineId } });
    const t = row && Array.isArray(row.config['triggers']) ? (row.config['triggers'] as Array<Record<string, unknown>>)[job.triggerIndex] : undefined;
    if (!row || !t || t['type'] !== 'cron' || t['enabled'] === false || String(t['cronExpression']).trim() !== job.cronExpression) {
      return { skipped: 'the cron trigger changed or was removed' };
    }
    const key = `cron:${job.pipelineId}:${job.triggerIndex}:${tickMs}`;
    return this.startOnce(key, row, {
      type: 'cron',
      user: 'cron',
      cronExpression: job.cronExpression,
      timeZone: job.timeZone,
      triggerIndex: job.triggerIndex,
      tick: new Date(tickMs).toISOString(),
      ...(t['expectedArtifactIds'] ? { expectedArtifactIds: t['expectedArtifactIds'] } : {}),
    });
  }

  /** Pipeline triggers: every pipeline waiting on this one's final status. */
  async executionFinished(e: Execution): Promise<void> {
    if (e.type !== 'PIPELINE' || !e.pipelineConfigId) return;
    const finished = { application: e.application, pipelineConfigId: e.pipelineConfigId, name: e.name, status: e.status };
    // Fresh: a downstream pipeline saved through the api a moment ago must not be missed for good.
    for (const entry of await this.index.ofType('pipeline', { fresh: true })) {
      if (!matchPipelineTrigger(entry.trigger, finished).fired) continue;
      if (entry.row.disabled || entry.row.config['disabled'] === true) continue;
      const upstreamArtifacts = Array.isArray(e.trigger['artifacts']) ? (e.trigger['artifacts'] as Artifact[]) : [];
      const outcome = await this.startOnce(`pipeline:${e.id}:${entry.row.id}:${entry.index}`, entry.row, {
        type: 'pipeline',
        user: `pipeline ${e.name}`,
        parentExecution: { id: e.id, application: e.application, name: e.name, pipelineConfigId: e.pipelineConfigId, status: e.status, trigger: e.trigger },
        parentPipelineId: e.pipelineConfigId,
        parentPipelineName: e.name,
        parentPipelineApplication: e.application,
        parentStatus: e.status,
        triggerIndex: entry.index,
        ...(entry.trigger['expectedArtifactIds'] ? { expectedArtifactIds: entry.trigger['expectedArtifactIds'] } : {}),
      }, upstreamArtifacts);
      if ('started' in outcome) this.log.log(`pipeline trigger: ${e.application}/${e.name} ${e.status} started ${entry.row.application}/${entry.row.name} (${outcome.started})`);
    }
  }
}
