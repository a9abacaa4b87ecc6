import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimits {
  /** Requests with a bad token per minute and client address before every token is refused (GENNAKER_AUTH_FAILURE_LIMIT, default 30). */
  authFailuresPerMinute: number;
  /** Sign-in requests per minute and client address (GENNAKER_SIGNIN_RATE_LIMIT, default 20). */
  signinPerMinute: number;
  /** Webhook deliveries per minute and client address (GENNAKER_WEBHOOK_RATE_LIMIT, default 6000: Git hosts deliver from few addresses and do not retry). */
  webhookPerMinute: number;
}

export function readRateLimits(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const n = (name: string, fallback: number): number => {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new Error(`setting ${name} must be a positive integer, got "${raw}"`);
    return v;
  };
  return { signinPerMinute: n('GENNAKER_SIGNIN_RATE_LIMIT', 20), webhookPerMinute: n('GENNAKER_WEBHOOK_RATE_LIMIT', 6000), authFailuresPerMinute: n('GENNAKER_AUTH_FAILURE_LIMIT', 30) };
}

/**
 * A per-address limit counted in Redis, so it holds across api replicas; when Redis is unreachable,
 * each process counts on its own (the insurance limiter) rather than letting everything through.
 */
export function rateLimit(name: string, perMinute: number, redis: Redis, prefix: string): RequestHandler {
  const log = new Logger('rate-limit');
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${name}`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rl:${name}`, points: perMinute, duration: 60 }),
  });
  return (req: Request, res: Response, next: NextFunction) => {
    limiter.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown').then(
      () => next(),
      (r: unknown) => {
        if (!(r instanceof RateLimiterRes)) {
          log.warn(`rate limiter ${name} failed: ${r instanceof Error ? r.message : String(r)}`);
          next();
          return;
        }
        const seconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
        res.setHeader('Retry-After', String(seconds));
        res.status(429).json({ error: { code: 'RATE_LIMITED', message: `too many ${name} requests from this address; try again in ${seconds} s`, details: [] } });
      },
    );
  };
}

/**
 * Guessing tokens: after too many requests with a bad token from one address in a minute, every
 * request with a token from it is answered 429 until the minute is over.
 */
export class AuthFailureLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly perMinute: number,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:auth-failures`,
      points: perMinute,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'rl:auth-failures', points: perMinute, duration: 60 }),
    });
  }

  /** Seconds to wait when the address is blocked, else null. */
  async blockedFor(address: string): Promise<number | null> {
    const r = await this.limiter.get(address).catch(() => null);
    return r && r.consumedPoints >= this.perMinute ? Math.max(1, Math.ceil(r.msBeforeNext / 1000)) : null;
  }

  async failed(address: string): Promise<void> {
    await this.limiter.consume(address).catch(() => undefined);
  }
}
