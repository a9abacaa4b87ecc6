import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever a log line carries an object: tokens, webhook
 * secrets and credentials never reach the logs. Depth one and two cover request headers, stage
 * contexts and account configs without slowing every line down.
 */
export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-gitlab-token"]',
  'req.headers["x-hook-uuid"]',
  'res.headers["set-cookie"]',
  ...['token', 'password', 'secret', 'webhookSecret', 'secretAccessKey', 'sessionToken', 'accessKeyId', 'credentials', 'authorization', 'smtpPassword', 'apiKey'].flatMap((k) => [
    k,
    `*.${k}`,
    `*.*.${k}`,
  ]),
];

/** Query parameters that carry credentials (the UI's SSE and the queue dashboard use access_token). */
const SECRET_QUERY = /([?&](?:access_token|token|secret|signature)=)[^&#]*/gi;

export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]');
}

let root: Logger | null = null;

/** The process's root pino logger (JSON to stdout). Engine job logs are children of it. */
export function rootLogger(options: { level?: string; service?: string } = {}): Logger {
  root ??= pino({
    level: options.level ?? 'info',
    base: { service: options.service ?? 'gennaker', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return root;
}

/**
 * nestjs-pino parameters: every Nest `Logger` call goes to pino (the app logger), and each HTTP
 * request is logged once when it ends, except health checks, metrics scrapes and live streams.
 */
export function loggerParams(options: { level: string; service: string }): Params {
  const logger = rootLogger(options);
  return {
    pinoHttp: {
      logger,
      autoLogging: {
        ignore: (req: IncomingMessage) => {
          const url = req.url ?? '';
          return url.startsWith('/api/v1/health') || url.startsWith('/metrics') || url.endsWith('/events') || url.startsWith('/admin/queues/static');
        },
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url), remoteAddress: req.remoteAddress }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    renameContext: 'context',
  };
}
