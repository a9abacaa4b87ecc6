import { errorMessage, isPlainObject } from '@gennaker/common';
import { PipelineConfigEntity } from '@gennaker/persistence';
import { DATA_SOURCE } from '@gennaker/runtime';
import { CronError, parseCron, nextTick, type CronSpec } from '@gennaker/triggers';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue, RepeatOptions } from 'bullmq';
import type { DataSource } from 'typeorm';
import { TRIGGERS_QUEUE, TriggerJob } from './settings';

export interface CronTickJob {
  pipelineId: string;
  triggerIndex: number;
  cronExpression: string;
  timeZone: string;
}

/**
 * BullMQ's next-tick function for our schedulers: croner reads Quartz and standard cron in a time
 * zone (BullMQ's own parser knows neither Quartz weekdays nor `W`). Queue and worker both use it.
 */
export function cronRepeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  if (!opts.pattern) return undefined;
  try {
    return nextTick(parseCron(opts.pattern, opts.tz ?? 'UTC'), millis);
  } catch {
    return undefined;
  }
}

const schedulerId = (pipelineId: string, index: number) => `cron:${pipelineId}:${index}`;

/** The cron triggers a pipeline row asks for (none when the pipeline is disabled). */
export function cronTriggersOf(row: Pick<PipelineConfigEntity, 'id' | 'disabled' | 'config'> | null): Array<{ index: number; spec: CronSpec }> {
  if (!row || row.disabled || row.config['disabled'] === true) return [];
  const triggers = row.config['triggers'];
  if (!Array.isArray(triggers)) return [];
  const out: Array<{ index: number; spec: CronSpec }> = [];
  triggers.forEach((t, index) => {
    if (!isPlainObject(t) || t['type'] !== 'cron' || t['enabled'] === false) return;
    try {
      out.push({ index, spec: parseCron(t['cronExpression'], t['timeZone'] ?? t['tz']) });
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
    }
  });
  return out;
}

/**
 * Keeps one BullMQ job scheduler per enabled cron trigger (id `cron:<pipeline>:<trigger index>`).
 * Redis holds the schedule, so a tick is produced once whatever the number of workers; schedulers
 * follow pipeline saves and deletes, and workers reconcile them with Postgres at start and periodically.
 */
@Injectable()
export class CronSchedulers {
  private readonly log = new Logger(CronSchedulers.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(getQueueToken(TRIGGERS_QUEUE)) private readonly queue: Queue,
  ) {}

  private async existing(): Promise<Map<string, { pattern: string | null; tz: string | null }>> {
    const list = await this.queue.getJobSchedulers(0, -1, true);
    return new Map(list.filter((s) => s.key.startsWith('cron:')).map((s) => [s.key, { pattern: s.pattern ?? null, tz: s.tz ?? null }]));
  }

  private async upsert(pipelineId: string, index: number, spec: CronSpec): Promise<void> {
    const data: CronTickJob = { pipelineId, triggerIndex: index, cronExpression: spec.expression, timeZone: spec.timeZone };
    await this.queue.upsertJobScheduler(
      schedulerId(pipelineId, index),
      { pattern: spec.expression, tz: spec.timeZone },
      { name: TriggerJob.CronTick, data, opts: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { age: 24 * 3600, count: 1000 } } },
    );
  }

  /** Brings the schedulers of one pipeline in line with its stored config (after a save or delete). */
  async syncPipeline(pipelineId: string): Promise<void> {
    try {
      const row = await this.ds.manager.findOne(PipelineConfigEntity, { where: { id: pipelineId } });
      const wanted = cronTriggersOf(row);
      const existing = await this.existing();
      for (const w of wanted) {
        const e = existing.get(schedulerId(pipelineId, w.index));
        if (!e || e.pattern !== w.spec.expression || (e.tz ?? 'UTC') !== w.spec.timeZone) await this.upsert(pipelineId, w.index, w.spec);
      }
      const keep = new Set(wanted.map((w) => schedulerId(pipelineId, w.index)));
      for (const key of existing.keys()) if (key.startsWith(`cron:${pipelineId}:`) && !keep.has(key)) await this.queue.removeJobScheduler(key);
    } catch (err) {
      // The periodic reconcile repairs what this could not do now (Redis away).
      this.log.warn(`cron schedulers of pipeline ${pipelineId} not updated yet: ${errorMessage(err)}`);
    }
  }

  /** Every scheduler against every pipeline: creates the missing, fixes the changed, removes the orphans. */
  async reconcile(): Promise<{ added: number; removed: number }> {
    const q = this.ds.manager.createQueryBuilder(PipelineConfigEntity, 'p').where(`p.config->'triggers' @> :t::jsonb`, { t: JSON.stringify([{ type: 'cron' }]) });
    const rows = await q.getMany();
    const existing = await this.existing();
    const keep = new Set<string>();
    let added = 0;
    let removed = 0;
    for (const row of rows) {
      for (const w of cronTriggersOf(row)) {
        const key = schedulerId(row.id, w.index);
        keep.add(key);
        const e = existing.get(key);
        if (!e || e.pattern !== w.spec.expression || (e.tz ?? 'UTC') !== w.spec.timeZone) {
          await this.upsert(row.id, w.index, w.spec);
          added++;
        }
      }
    }
    for (const key of existing.keys()) {
      if (!keep.has(key)) {
        await this.queue.removeJobScheduler(key);
        removed++;
      }
    }
    if (added + removed > 0) this.log.log(`cron schedulers reconciled: ${added} set, ${removed} removed`);
    return { added, removed };
  }
}
