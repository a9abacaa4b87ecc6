import { errorMessage } from '@gennaker/common';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TriggerDeliveryRepository } from '@gennaker/trigger-store';
import { CronSchedulers } from './cron-schedulers.service';
import { TRIGGER_SETTINGS, type TriggerSettings } from './settings';
import { TRIGGER_DELIVERIES } from './tokens';

/** Worker housekeeping of triggers: cron schedulers reconciled at start and periodically; delivery log retention. */
@Injectable()
export class TriggerHousekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(TriggerHousekeeping.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(CronSchedulers) private readonly cron: CronSchedulers,
    @Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository,
    @Inject(TRIGGER_SETTINGS) private readonly settings: TriggerSettings,
  ) {}

  onApplicationBootstrap(): void {
    void this.cron.reconcile().catch((err: unknown) => this.log.warn(`cron reconcile at start failed: ${errorMessage(err)}`));
    if (this.settings.cronReconcileMs > 0) this.every(this.settings.cronReconcileMs, () => this.cron.reconcile());
    this.every(3_600_000, async () => {
      const n = await this.deliveries.deleteOlderThan(this.settings.deliveryRetentionDays);
      if (n > 0) this.log.log(`retention: deleted ${n} trigger deliveries`);
    });
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      fn()
        .catch((err: unknown) => this.log.warn(`trigger housekeeping failed: ${errorMessage(err)}`))
        .finally(() => {
          running = false;
        });
    }, ms);
    t.unref();
    this.timers.push(t);
  }
}
