import type { EngineEvent } from '@gennaker/engine';
import { waitFor } from '@gennaker/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.service';
import { readRuntimeSettings } from './settings';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const settings = { ...readRuntimeSettings({ REDIS_URL: redisUrl }), queuePrefix: `gk-test-bus-${process.pid}-${Date.now()}` };
const channel = `${settings.queuePrefix}:events`;
const redis = new Redis(redisUrl);
const buses: EventBus[] = [];

afterAll(async () => {
  await Promise.all(buses.map((b) => b.onModuleDestroy()));
  redis.disconnect();
});

async function listeners(): Promise<number> {
  const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(n);
}

const event = (executionId: string): EngineEvent => ({ kind: 'execution', executionId, status: 'RUNNING', time: Date.now() });

describe('EventBus', () => {
  it('listens to the events channel only while it has a listener, and gets every event published once it listens', async () => {
    const publisher = new EventBus(settings);
    const reader = new EventBus(settings);
    buses.push(publisher, reader);
    // Cancel listeners (every worker has one) do not subscribe a process to every status change.
    reader.onCancel(() => undefined);
    publisher.onCancel(() => undefined);
    await waitFor(async () => (await redis.pubsub('NUMSUB', `${settings.queuePrefix}:cancel`))[1] === 2);
    expect(await listeners()).toBe(0);

    const got: string[] = [];
    const stopA = await reader.subscribe((e) => got.push(`a:${e.executionId}`));
    // Subscribed when subscribe resolves: an event published right after is not lost.
    expect(await listeners()).toBe(1);
    await publisher.publish([event('e1')]);
    const stopB = await reader.subscribe((e) => got.push(`b:${e.executionId}`));
    expect(await listeners()).toBe(1);
    await publisher.publish([event('e2')]);
    // (b may see e1 too: it was published before b listened, but may reach this process after.)
    await waitFor(() => ['a:e1', 'a:e2', 'b:e2'].every((g) => got.includes(g)), { message: () => JSON.stringify(got) });

    stopA();
    expect(await listeners()).toBe(1);
    stopB();
    stopB(); // twice is harmless
    await waitFor(async () => (await listeners()) === 0);
    await publisher.publish([event('e3')]);
    const stopC = await reader.subscribe((e) => got.push(`c:${e.executionId}`));
    await publisher.publish([event('e4')]);
    await waitFor(() => got.includes('c:e4'), { message: () => JSON.stringify(got) });
    expect(got).not.toContain('c:e3');
    stopC();
  });
});
