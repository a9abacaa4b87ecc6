/**
 * A token bucket shared by every call to one account and region: `burst` calls at once, then
 * `perSecond`. Callers reserve a token in order (the balance may go negative) and wait out their
 * own reservation, so waiters are served first come, first served and none starves.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private waited = 0;
  private waitedMs = 0;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; resolves with how long the caller waited for it (0 when none). */
  async take(): Promise<number> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const waitMs = Math.ceil((-this.tokens / this.perSecond) * 1000);
    this.waited++;
    this.waitedMs += waitMs;
    await this.sleep(waitMs);
    return waitMs;
  }

  /** Calls that had to wait, and for how long in total: shown in logs and the benchmark. */
  stats(): { waited: number; waitedMs: number; available: number } {
    this.refill();
    return { waited: this.waited, waitedMs: this.waitedMs, available: Math.max(0, Math.floor(this.tokens)) };
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }
}
