import { DATA_SOURCE, OutboxDispatcher } from '@gennaker/runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MetricsRegistry } from './metrics-registry';
import { METRICS_REGISTRY } from './tokens';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const ACTIVE_STATUSES = ['NOT_STARTED', 'BUFFERED', 'RUNNING', 'PAUSED', 'SUSPENDED'];

/**
 * Gauges read at scrape time: jobs per queue and state (from Redis) and executions not yet
 * finished per status (from Postgres). They describe the whole install, so every process reports
 * the same numbers: take `max` over instances (the dashboard does).
 */
@Injectable()
export class QueueGauges implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.gauge('gennaker_queue_jobs', 'Jobs per queue and state (waiting, active, delayed, prioritized, failed)', ['queue', 'state'], async (g) => {
      g.reset();
      await Promise.all(
        this.dispatcher.allQueues().map(async (q) => {
          const counts = await q.getJobCounts(...JOB_STATES).catch(() => null);
          if (!counts) return;
          for (const s of JOB_STATES) g.set({ queue: q.name, state: s }, counts[s] ?? 0);
        }),
      );
    });
    this.registry.gauge('gennaker_executions_active', 'Executions not finished yet, per status', ['status'], async (g) => {
      const rows = (await this.ds.query(`SELECT status, count(*)::int AS n FROM executions WHERE status = ANY($1) GROUP BY status`, [ACTIVE_STATUSES]).catch(() => null)) as Array<{ status: string; n: number }> | null;
      if (!rows) return;
      g.reset();
      for (const s of ACTIVE_STATUSES) g.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    });
  }
}
