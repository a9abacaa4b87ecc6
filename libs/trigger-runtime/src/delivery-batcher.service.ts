import { DATA_SOURCE } from '@gennaker/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { TxLimiter } from './tx-limiter.service';

interface Pending {
  work: (m: EntityManager) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

/** Most deliveries recorded by one transaction. */
const MAX_BATCH = 32;

/**
 * Group commit for webhook deliveries: the deliveries that arrive while a transaction is busy are
 * recorded together by the next one, so a burst costs one commit (one WAL flush) per batch instead
 * of one per delivery. Each delivery still commits before it is answered. A delivery's work must
 * not fail on expected conditions (a replay is a result, not an error): an error fails its batch,
 * and every delivery of the batch is then answered with it (the hosts retry).
 */
@Injectable()
export class DeliveryBatcher {
  private readonly queue: Pending[] = [];
  private running = 0;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TxLimiter) private readonly limiter: TxLimiter,
  ) {}

  submit<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    // At most two batches in flight: one committing while the next one fills.
    while (this.running < 2 && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const results = await this.limiter.run(() =>
        this.ds.transaction(async (m) => {
          const out: unknown[] = [];
          for (const p of batch) out.push(await p.work(m));
          return out;
        }),
      );
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
