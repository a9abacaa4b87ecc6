import { RUNTIME_SETTINGS, type RuntimeSettings } from '@gennaker/runtime';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Caps the trigger transactions in flight in this process at half the database pool. Starting an
 * execution inside our transaction may itself read through the pool (the start authorizer does):
 * with every connection held by a transaction waiting for a second one, the pool would deadlock.
 */
@Injectable()
export class TxLimiter {
  private readonly max: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(RUNTIME_SETTINGS) settings: RuntimeSettings) {
    this.max = Math.max(1, Math.floor(settings.dbPoolSize / 2));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter (the count stays the same).
      if (next) next();
      else this.active--;
    }
  }
}
