import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

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

/** Points a process takes from the shared count at once: 1 (exact) below 200 a minute. */
export function leaseSize(perMinute: number): number {
  return Math.max(1, Math.floor(perMinute / 100));
}

interface Lease {
  /** Points left to spend here. */
  left: number;
  /** When the shared window ends (the lease with it). */
  until: number;
  /** The shared count reached the limit: refuse until `until`. */
  exhausted: boolean;
}

/** Keys kept before expired leases are dropped (one per client address). */
const MAX_LEASES = 10_000;

/**
 * Spends a shared per-minute limit in leases: a process takes `lease` points from the shared count
 * (Redis) at once and spends them itself, so a burst of webhooks costs one Redis round trip per
 * lease instead of one per request (that round trip was 7% of the api's CPU at 200 deliveries/s).
 * Points leased and not spent yet are counted as used, so across api replicas the limit still holds;
 * a busy address may be refused up to (replicas - 1) x (lease - 1) requests early. With a lease of 1
 * the count is exact, as for sign-in. Once the shared count is reached, the address is refused here
 * until its window ends, without asking Redis again.
 */
export class LeasedLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly renewing = new Map<string, Promise<void>>();

  constructor(
    private readonly shared: RateLimiterAbstract,
    private readonly perMinute: number,
    private readonly lease: number,
  ) {}

  /** Null when the request may go on, else the milliseconds until the address may send again. */
  async take(key: string): Promise<number | null> {
    for (;;) {
      const now = Date.now();
      const l = this.leases.get(key);
      if (l && l.until > now) {
        if (l.left > 0) {
          l.left--;
          return null;
        }
        if (l.exhausted) return l.until - now;
      }
      let renewal = this.renewing.get(key);
      if (!renewal) {
        renewal = this.renew(key).finally(() => this.renewing.delete(key));
        this.renewing.set(key, renewal);
      }
      await renewal;
    }
  }

  private async renew(key: string): Promise<void> {
    let res: RateLimiterRes;
    try {
      res = await this.shared.consume(key, this.lease);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
    }
    // The shared count includes this lease: the part of it under the limit may be spent.
    const allowed = Math.min(this.lease, Math.max(0, this.perMinute - (res.consumedPoints - this.lease)));
    const now = Date.now();
    if (this.leases.size >= MAX_LEASES) for (const [k, v] of this.leases) if (v.until <= now) this.leases.delete(k);
    this.leases.set(key, { left: allowed, until: now + Math.max(1, res.msBeforeNext), exhausted: allowed < this.lease });
  }
}

/**
 * A per-address limit counted in Redis, so it holds across api replicas (spent in leases, see
 * LeasedLimiter); when Redis is unreachable, each process counts on its own (the insurance limiter)
 * rather than letting everything through.
 */
export function rateLimit(name: string, perMinute: number, redis: Redis, prefix: string): RequestHandler {
  const log = new Logger('rate-limit');
  const limiter = new LeasedLimiter(
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:${name}`,
      points: perMinute,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rl:${name}`, points: perMinute, duration: 60 }),
    }),
    perMinute,
    leaseSize(perMinute),
  );
  return (req: Request, res: Response, next: NextFunction) => {
    limiter.take(req.ip ?? req.socket.remoteAddress ?? 'unknown').then(
      (waitMs) => {
        if (waitMs === null) {
          next();
          return;
        }
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        res.setHeader('Retry-After', String(seconds));
        res.status(429).json({ error: { code: 'RATE_LIMITED', message: `too many ${name} requests from this address; try again in ${seconds} s`, details: [] } });
      },
      (err: unknown) => {
        log.warn(`rate limiter ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        next();
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
