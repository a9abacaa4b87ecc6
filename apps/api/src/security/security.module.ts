import { Inject, Module, type MiddlewareConsumer, type NestModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AuthFailureLimiter, rateLimit, readRateLimits } from './rate-limit.middleware';

const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/** Rate limits on sign-in, webhooks and bad tokens, counted in Redis (shared by every api replica). */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_REDIS,
      useFactory: () => {
        const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
        redis.on('error', () => undefined); // the insurance limiter covers an outage; /health reports it
        return redis;
      },
    },
    {
      provide: AuthFailureLimiter,
      inject: [RATE_LIMIT_REDIS],
      useFactory: (redis: Redis) => new AuthFailureLimiter(redis, process.env['GENNAKER_QUEUE_PREFIX'] || 'gennaker', readRateLimits().authFailuresPerMinute),
    },
  ],
  exports: [AuthFailureLimiter],
})
export class SecurityModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  configure(consumer: MiddlewareConsumer): void {
    const limits = readRateLimits();
    const prefix = process.env['GENNAKER_QUEUE_PREFIX'] || 'gennaker';
    consumer.apply(rateLimit('sign-in', limits.signinPerMinute, this.redis, prefix)).forRoutes('api/v1/auth/oidc/*path');
    consumer.apply(rateLimit('webhook', limits.webhookPerMinute, this.redis, prefix)).forRoutes('webhooks/*path');
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
