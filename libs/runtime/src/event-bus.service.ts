import { Coalescer } from '@gennaker/common';
import type { EngineEvent } from '@gennaker/engine';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisOptions } from './redis.util';
import type { RuntimeSettings } from './settings';
import { RUNTIME_SETTINGS } from './tokens';

type Listener = (event: EngineEvent) => void;

/**
 * Status changes over Redis pub/sub, for live views (SSE) and for aborting a task in flight on
 * another worker when its execution is canceled. Losing an event loses nothing: Postgres has the
 * state, and readers re-read it.
 */
@Injectable()
export class EventBus implements OnModuleDestroy {
  private readonly log = new Logger(EventBus.name);
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly cancelListeners = new Set<(executionId: string) => void>();
  private readonly eventsChannel: string;
  private readonly cancelChannel: string;

  constructor(@Inject(RUNTIME_SETTINGS) private readonly settings: RuntimeSettings) {
    this.pub = new Redis({ ...redisOptions(settings.redisUrl), lazyConnect: false, maxRetriesPerRequest: 1 });
    this.pub.on('error', () => undefined);
    this.eventsChannel = `${settings.queuePrefix}:events`;
    this.cancelChannel = `${settings.queuePrefix}:cancel`;
  }

  async publish(events: EngineEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.published.submit(events);
  }

  /** Events of steps committing at the same moment go out as one message. */
  private readonly published = new Coalescer<EngineEvent[], void>(async (lists) => {
    await this.pub.publish(this.eventsChannel, JSON.stringify(lists.flat())).catch((err: unknown) => {
      this.log.debug(`events not published: ${String(err)}`);
    });
  });

  /** For health checks. */
  async ping(): Promise<void> {
    await this.pub.ping();
  }

  async publishCancel(executionId: string): Promise<void> {
    await this.pub.publish(this.cancelChannel, executionId).catch(() => undefined);
  }

  /**
   * Calls `listener` with every status change published from now on. Resolves once the process
   * receives them (a reader that subscribes, then reads the state, misses nothing in between).
   * The process listens to the events channel only while it has a listener: without one (a worker,
   * an api nobody watches) it is not woken by every step of every run.
   */
  async subscribe(listener: Listener): Promise<() => void> {
    const sub = this.ensureSubscriber();
    this.listeners.add(listener);
    this.eventsSubscription ??= sub.subscribe(this.eventsChannel).then(
      () => undefined,
      (err: unknown) => {
        this.eventsSubscription = null;
        this.log.debug(`events not subscribed: ${String(err)}`);
      },
    );
    await this.eventsSubscription;
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.eventsSubscription = null;
      void sub.unsubscribe(this.eventsChannel).catch(() => undefined);
    };
  }

  private eventsSubscription: Promise<void> | null = null;

  onCancel(listener: (executionId: string) => void): () => void {
    this.ensureSubscriber();
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  private ensureSubscriber(): Redis {
    if (this.sub) return this.sub;
    const sub = new Redis({ ...redisOptions(this.settings.redisUrl), maxRetriesPerRequest: null });
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, payload: string) => {
      if (channel === this.cancelChannel) {
        for (const l of this.cancelListeners) l(payload);
        return;
      }
      if (this.listeners.size === 0) return;
      let events: EngineEvent[];
      try {
        events = JSON.parse(payload) as EngineEvent[];
      } catch {
        return;
      }
      for (const e of events) for (const l of this.listeners) l(e);
    });
    void sub.subscribe(this.cancelChannel).catch(() => undefined);
    this.sub = sub;
    return sub;
  }

  async onModuleDestroy(): Promise<void> {
    this.pub.disconnect();
    this.sub?.disconnect();
  }
}
