import { errorMessage } from '@gennaker/common';
import { ExecutionRepository, OutboxRepository } from '@gennaker/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { OutboxDispatcher } from './dispatcher.service';
import { EngineService } from './engine.service';
import { redisOptions } from './redis.util';
import type { RuntimeSettings } from './settings';
import { DATA_SOURCE, EXECUTION_REPOSITORY, OUTBOX_REPOSITORY, RUNTIME_SETTINGS } from './tokens';

export interface RepairReport {
  redelivered: number;
  reconciled: number;
  buffersKicked: number;
}

/**
 * The worker's housekeeping: the relay (outbox rows nobody could queue), the repair sweep
 * (Spinnaker's zombie detection: re-drive executions whose messages Redis lost) and retention.
 * Every worker runs them; a short Redis lock keeps them from doing the same work at once.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(MaintenanceService.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly redis: Redis;
  private stopped = false;

  constructor(
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: ExecutionRepository,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(EngineService) private readonly engine: EngineService,
    @Inject(RUNTIME_SETTINGS) private readonly settings: RuntimeSettings,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {
    this.redis = new Redis({ ...redisOptions(settings.redisUrl), maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  onApplicationBootstrap(): void {
    void this.checkAutovacuum();
    const s = this.settings;
    this.every(s.relayIntervalMs, () => this.relay());
    this.every(s.repairIntervalMs, () => this.withLock('repair', s.repairIntervalMs, () => this.repair()));
    if (s.retentionIntervalMs > 0) {
      this.every(s.retentionIntervalMs, () => this.withLock('retention', s.retentionIntervalMs, () => this.retention()));
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.redis.disconnect();
  }

  /** Queues outbox rows that were never handed to BullMQ. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.outbox.claimUndispatched(200);
      if (rows.length === 0) return total;
      await this.dispatcher.dispatch(rows);
      total += rows.length;
      if (rows.length < 200) return total;
    }
  }

  /**
   * Re-sends overdue messages whose jobs are gone (Redis flushed, a job failed for good) and
   * re-drives running executions that have no pending message at all.
   */
  async repair(): Promise<RepairReport> {
    const report: RepairReport = { redelivered: 0, reconciled: 0, buffersKicked: 0 };
    for (const m of await this.outbox.overdue(this.settings.repairGraceMs, 500)) {
      if ((await this.dispatcher.redeliver(m)) === 'requeued') report.redelivered++;
    }
    for (const id of await this.executions.findStalled(this.settings.repairGraceMs)) {
      const r = await this.engine.apply(id, {}, ({ transition }) => transition.reconcile());
      if (r) report.reconciled++;
    }
    for (const pipelineConfigId of await this.executions.findStuckBuffers(this.settings.repairGraceMs)) {
      await this.engine.enqueue([{ message: { type: 'StartWaitingExecutions', pipelineConfigId } }]);
      report.buffersKicked++;
    }
    if (report.redelivered + report.reconciled + report.buffersKicked > 0) {
      this.log.warn(`repair: re-sent ${report.redelivered} lost message(s), re-drove ${report.reconciled} execution(s), restarted ${report.buffersKicked} waiting queue(s)`);
    }
    return report;
  }

  /**
   * The outbox takes one insert and one delete per message, and executions and stages are updated
   * as they run: without autovacuum their dead rows are never reclaimed and every scan pays for
   * them. Said once at start, where an operator looks.
   */
  private async checkAutovacuum(): Promise<void> {
    try {
      const rows = (await this.ds.query(`SELECT current_setting('autovacuum') AS on, current_setting('track_counts') AS counts`)) as Array<{ on: string; counts: string }>;
      const r = rows[0];
      if (r && (r.on !== 'on' || r.counts !== 'on')) {
        this.log.warn(
          `Postgres runs with autovacuum=${r.on}, track_counts=${r.counts}: the outbox, executions and stages tables will keep every dead row and slow down. Turn autovacuum on, or VACUUM (ANALYZE) those tables regularly (docs/operations.md).`,
        );
      }
    } catch (err) {
      this.log.warn(`could not read Postgres' autovacuum setting: ${errorMessage(err)}`);
    }
  }

  async retention(): Promise<number> {
    const n = await this.executions.deleteExpired(this.settings.retentionDays, this.settings.retentionMaxPerPipeline);
    if (n > 0) this.log.log(`retention: deleted ${n} finished execution(s)`);
    return n;
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let running = false;
    const t = setInterval(() => {
      if (running || this.stopped) return;
      running = true;
      fn()
        .catch((err: unknown) => this.log.warn(`housekeeping failed: ${errorMessage(err)}`))
        .finally(() => {
          running = false;
        });
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private async withLock(name: string, ttlMs: number, fn: () => Promise<unknown>): Promise<void> {
    const key = `${this.settings.queuePrefix}:lock:${name}`;
    const ok = await this.redis.set(key, String(process.pid), 'PX', Math.max(1000, ttlMs - 100), 'NX').catch(() => 'OK');
    if (ok !== 'OK') return;
    await fn();
  }
}
