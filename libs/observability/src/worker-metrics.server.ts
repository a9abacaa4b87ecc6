import { createServer, type Server } from 'node:http';
import { DATA_SOURCE, EventBus } from '@gennaker/runtime';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { metricsHandler } from './metrics-http.util';
import type { MetricsRegistry } from './metrics-registry';
import type { ObservabilitySettings } from './observability-settings';
import { METRICS_REGISTRY, OBSERVABILITY_SETTINGS } from './tokens';

async function probe(p: Promise<unknown>, ms: number): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.then(() => 'up' as const), new Promise<'down'>((r) => (timer = setTimeout(() => r('down'), ms)))]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The worker has no API: this small server answers `GET /metrics` (Prometheus) and `GET /health`
 * (Postgres and Redis reachable) on GENNAKER_WORKER_METRICS_PORT. A port already taken (several
 * workers on one machine) is logged and skipped: the worker still runs, just unscraped.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('metrics');
  private server: Server | null = null;

  constructor(
    @Inject(OBSERVABILITY_SETTINGS) private readonly settings: ObservabilitySettings,
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  get port(): number | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.workerMetricsPort === 0) return;
    const metrics = metricsHandler(this.registry, this.settings.metricsToken);
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/metrics') return metrics(req, res);
      if (req.method === 'GET' && path === '/health') {
        void Promise.all([probe(this.ds.query('SELECT 1'), 2000), probe(this.bus.ping(), 2000)]).then(([postgres, redis]) => {
          const ok = postgres === 'up' && redis === 'up';
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', postgres, redis }));
        });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'the worker serves GET /metrics and GET /health only', details: [] } }));
    });
    await new Promise<void>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.log.warn(`worker metrics not served: port ${this.settings.workerMetricsPort} ${err.code === 'EADDRINUSE' ? 'is taken' : `failed (${err.message})`}; set GENNAKER_WORKER_METRICS_PORT per worker (0 = off)`);
        resolve();
      });
      server.listen(this.settings.workerMetricsPort, this.settings.workerMetricsHost, () => {
        this.server = server;
        this.log.log(`worker metrics on http://${this.settings.workerMetricsHost}:${this.port}/metrics`);
        resolve();
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
