import { addRuntimeHooks } from '@gennaker/runtime';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { storage, Store } from 'nestjs-pino/storage';
import { engineObservations } from './engine-metrics.util';
import { gennakerMetrics, type GennakerMetrics } from './gennaker-metrics';
import { jobFields, queueWaitSeconds } from './job-context.util';
import { rootLogger } from './logging.util';
import type { MetricsRegistry } from './metrics-registry';
import { tracingHooks, type Tracing } from './tracing.util';
import { METRICS_REGISTRY, TRACING } from './tokens';

/**
 * Watches the engine through the runtime's hooks: counts and times what each commit changed,
 * times queue waits and job handling, and runs each job with its ids on every log line (a pino
 * child logger in nestjs-pino's async storage, so plain Nest `Logger` calls carry them too).
 */
@Injectable()
export class EngineObserver implements OnModuleInit, OnModuleDestroy {
  private readonly metrics: GennakerMetrics;
  private readonly removers: Array<() => void> = [];

  constructor(
    @Inject(METRICS_REGISTRY) registry: MetricsRegistry,
    @Inject(TRACING) private readonly tracing: Tracing | null,
  ) {
    this.metrics = gennakerMetrics(registry);
  }

  onModuleInit(): void {
    const m = this.metrics;
    this.removers.push(
      addRuntimeHooks({
        committed: (execution, events) => {
          for (const o of engineObservations(execution, events)) {
            switch (o.metric) {
              case 'executionsTotal':
              case 'stagesTotal':
                m[o.metric].inc(o.labels);
                break;
              case 'executionDuration':
              case 'stageDuration':
              case 'taskDuration':
                m[o.metric].observe(o.labels, o.seconds);
                break;
              case 'canaryScore':
                m.canaryScore.observe(o.labels, o.score);
                m.canaryJudgments.inc(o.labels);
                break;
            }
          }
        },
        aroundJob: async (job, handle) => {
          const fields = jobFields(job);
          const message = fields['messageType'] ?? job.name;
          const waited = queueWaitSeconds(job, Date.now());
          m.queueWait.observe({ queue: job.queueName }, waited);
          const end = m.jobDuration.startTimer({ queue: job.queueName, message });
          const logger = rootLogger().child(fields);
          try {
            await storage.run(new Store(logger), handle);
            logger.debug({ waitedMs: Math.round(waited * 1000), ms: Math.round(end() * 1000) }, `handled ${message}`);
          } catch (err) {
            end();
            m.jobFailures.inc({ queue: job.queueName, message });
            logger.warn({ err }, `${message} failed (BullMQ retries it)`);
            throw err;
          }
        },
      }),
    );
    // Registered last so its span is the outermost: log lines inside carry the trace too.
    if (this.tracing) this.removers.push(addRuntimeHooks(tracingHooks(this.tracing)));
  }

  onModuleDestroy(): void {
    for (const r of this.removers.splice(0)) r();
  }
}
