import type { RedisOptions } from 'ioredis';

/** ioredis/BullMQ connection options from a `redis://user:pass@host:port/db` URL. */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Required by BullMQ workers; harmless elsewhere.
    maxRetriesPerRequest: null,
    // Keep retrying: the engine must come back on its own when Redis returns.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
}
