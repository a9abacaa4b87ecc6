import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gennakerMetrics } from './gennaker-metrics';
import type { MetricsRegistry } from './metrics-registry';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Serves the registry in Prometheus text format. With a metrics token set, a scrape must carry it
 * (`Authorization: Bearer`, as Prometheus' `authorization` config sends it); otherwise it is open,
 * as metrics endpoints usually are on an internal network.
 */
export function metricsHandler(registry: MetricsRegistry, token: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (token !== '') {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!sameToken(given, token)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'GET /metrics needs the metrics token (GENNAKER_METRICS_TOKEN) as a bearer token', details: [] } }));
        return;
      }
    }
    registry.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };
}

/** Counts Git webhook deliveries by provider and answer (202 accepted, 401 bad signature, 400...). */
export function webhookDeliveryMetrics(registry: MetricsRegistry) {
  const counter = gennakerMetrics(registry).webhookDeliveries;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const provider = /^\/webhooks\/git\/([a-z]+)/.exec(req.url ?? '')?.[1] ?? /^\/git\/([a-z]+)/.exec(req.url ?? '')?.[1];
    if (provider) res.once('finish', () => counter.inc({ provider, status: String(res.statusCode) }));
    next();
  };
}
