import 'reflect-metadata';
import { boundHeapGrowth } from '@gennaker/platform';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { InputError } from '@gennaker/common';
import { dashboardCookieAuth, httpTracingMiddleware, METRICS_REGISTRY, metricsHandler, OBSERVABILITY_SETTINGS, QUEUE_DASHBOARD_PATH, TRACING, webhookDeliveryMetrics, type MetricsRegistry, type ObservabilitySettings, type Tracing } from '@gennaker/observability';
import { Logger } from 'nestjs-pino';
import { json, raw, type NextFunction, type Request, type Response } from 'express';
import { ApiModule } from './app.module';
import { toErrorResponse } from './http/error.filter';
import { applySecurity } from './security/hardening';

/** Body-parser errors happen before Nest's filters; answer them in the same error shape. */
function bodyErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const { status, body } = toErrorResponse(err);
  res.status(status).json(body);
}

/** RFC 8259: JSON text must not start with a byte-order mark; say so instead of guessing. */
function refuseBom(_req: Request, _res: Response, buf: Buffer): void {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    throw new InputError('the body starts with a byte-order mark; send plain UTF-8 JSON', [{ pointer: '', message: 'byte-order mark not allowed' }]);
  }
}

/** Starts the API: REST under /api/v1, server-sent events, webhooks. Never runs a stage. */
export async function bootstrap(port = Number(process.env['GENNAKER_API_PORT'] ?? 8084)): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Security headers, CORS for the UI's origin, small body limits on small endpoints (issue 8).
  applySecurity(app);
  // Operations (issue 9): traces, Prometheus metrics (outside the API's auth: GENNAKER_METRICS_TOKEN
  // guards it when set), webhook delivery counts, and the queue dashboard's cookie.
  const tracing = app.get<Tracing | null>(TRACING);
  if (tracing) app.use(httpTracingMiddleware(tracing));
  const registry = app.get<MetricsRegistry>(METRICS_REGISTRY);
  app.use('/metrics', metricsHandler(registry, app.get<ObservabilitySettings>(OBSERVABILITY_SETTINGS).metricsToken));
  app.use('/webhooks', webhookDeliveryMetrics(registry));
  app.use(QUEUE_DASHBOARD_PATH, dashboardCookieAuth);
  // Any content type is read as JSON (curl -d sends form encoding); validation then says what is wrong.
  // Webhooks are verified on the exact bytes received, so they stay raw here.
  app.use('/webhooks', raw({ limit: '5mb', type: () => true }), bodyErrors);
  app.use('/api', json({ limit: '5mb', type: () => true, strict: true, verify: refuseBom }), bodyErrors);
  app.enableShutdownHooks();
  await app.listen(port, process.env['GENNAKER_API_HOST'] ?? '0.0.0.0');
  // Keep idle connections longer than the proxies and load balancers in front do (60 s is the usual
  // idle timeout): with Node's 5 s, the api closed connections a client had just picked to send on,
  // and that request failed with a reset (seen as ECONNRESET by the webhook bench, as 502 behind a proxy).
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return app;
}

if (require.main === module) {
  boundHeapGrowth();
  bootstrap().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
