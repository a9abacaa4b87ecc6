import { readAuthSettings } from '@gennaker/auth';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import helmet from 'helmet';

/**
 * Hardening of the HTTP layer, applied before the body parsers: security headers (helmet), CORS for
 * the UI's origins only (GENNAKER_WEB_ORIGIN), small body limits where a request is small by nature.
 * Rate limits are Nest middleware (SecurityModule).
 */
export function applySecurity(app: NestExpressApplication): void {
  const settings = readAuthSettings();
  // Behind a proxy (a load balancer, the web server), rate limits key on X-Forwarded-For only when
  // the proxy is trusted: GENNAKER_TRUST_PROXY takes Express's values (loopback, a CIDR list, a hop count).
  const trust = process.env['GENNAKER_TRUST_PROXY'];
  if (trust) app.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust === 'true' ? true : trust.split(',').map((t) => t.trim()));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        // The API answers JSON; its one page (/api/docs) has an inline script and style.
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], objectSrc: ["'none'"], baseUri: ["'none'"], frameAncestors: ["'none'"], formAction: ["'self'"] },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.enableCors({
    origin: settings.webOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    credentials: false,
    maxAge: 600,
  });
  for (const path of ['/api/v1/tokens', '/api/v1/me', '/api/v1/auth', '/api/v1/audit']) app.use(path, json({ limit: '16kb', type: () => true, strict: true }));
}
