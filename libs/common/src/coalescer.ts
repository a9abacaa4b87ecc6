interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs `fn` once for all the items submitted while its previous run was in flight (at most one run
 * at a time), and answers every submitter with that run's result. A run always starts after the
 * items it covers were submitted, so a caller never gets an answer older than its question: e.g.
 * many "is anything new?" checks share one query, and many deletions one statement.
 */
export class Coalescer<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private running = false;

  constructor(private readonly fn: (items: I[]) => Promise<O>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    let run: Promise<O>;
    try {
      run = this.fn(batch.map((w) => w.item));
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .then(
        (value) => batch.forEach((w) => w.resolve(value)),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.running = false;
        this.next();
      });
  }
}
