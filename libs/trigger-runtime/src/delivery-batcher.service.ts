import type { DataSource, EntityManager } from 'typeorm';
import type { TxLimiter } from './tx-limiter.service';

interface Pending<P, R> {
  plan: (m: EntityManager) => Promise<P>;
  resolve: (v: R) => void;
  reject: (err: unknown) => void;
}

/** Most deliveries recorded by one transaction. */
const MAX_BATCH = 32;

/**
 * Group commit for webhook deliveries: the deliveries that arrive while a transaction is busy are
 * recorded together by the next one, so a burst costs one commit (one WAL flush) per batch instead
 * of one per delivery. In that transaction each delivery's `plan` reads what it needs and decides
 * (one after the other), then `store` writes every plan of the batch at once, in a fixed number of
 * statements, and answers each with its own result. Each delivery still commits before it is
 * answered. With `storeAtOnce` the plans read outside a transaction and the batch is written by
 * one statement (see the constructor). A plan must not fail on expected conditions (a replay is a
 * result, not an error): an error fails its batch, and every delivery of the batch is then
 * answered with it (the hosts retry).
 */
export class DeliveryBatcher<P, R> {
  private readonly queue: Array<Pending<P, R>> = [];
  private running = 0;

  /**
   * `storeAtOnce`, when given, writes a batch in one statement of its own (atomic without a
   * transaction), after plans made outside any transaction: two round trips fewer than
   * BEGIN ... COMMIT. It answers null when the batch needs `store`'s transaction (a replayed
   * delivery), which then gets the same plans.
   */
  constructor(
    private readonly ds: DataSource,
    private readonly limiter: TxLimiter,
    private readonly store: (m: EntityManager, plans: P[]) => Promise<R[]>,
    private readonly storeAtOnce?: (plans: P[]) => Promise<R[] | null>,
  ) {}

  submit(plan: (m: EntityManager) => Promise<P>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
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

  private async run(batch: Array<Pending<P, R>>): Promise<void> {
    try {
      const results = await this.limiter.run(async () => {
        const atOnce = this.storeAtOnce;
        if (!atOnce) {
          return this.ds.transaction(async (m) => {
            const plans: P[] = [];
            for (const p of batch) plans.push(await p.plan(m));
            return this.store(m, plans);
          });
        }
        const plans: P[] = [];
        for (const p of batch) plans.push(await p.plan(this.ds.manager));
        return (await atOnce(plans)) ?? (await this.ds.transaction((m) => this.store(m, plans)));
      });
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
