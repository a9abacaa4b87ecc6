/** One AWS API call as the client factory saw it (never its parameters: they may hold user data). */
export interface AwsCallRecord {
  service: string;
  operation: string;
  account: string;
  region: string;
  /** HTTP attempts, retries included. */
  attempts: number;
  ms: number;
  /** The error code when it failed after its retries. */
  error?: string;
}

/**
 * Counters of AWS API calls by operation, for the benchmark, tests and the worker's logs. Counts
 * only, so a long-running worker holds a few hundred numbers, not a history.
 */
export class AwsCallStats {
  private readonly calls = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private failed = 0;
  private listeners: Array<(record: AwsCallRecord) => void> = [];

  record(r: AwsCallRecord): void {
    this.calls.set(r.operation, (this.calls.get(r.operation) ?? 0) + 1);
    this.attempts.set(r.operation, (this.attempts.get(r.operation) ?? 0) + r.attempts);
    if (r.error) this.failed++;
    for (const l of this.listeners) l(r);
  }

  /** Watch every call (tests: assert on shapes; benchmarks: attribute calls to a phase). */
  onCall(listener: (record: AwsCallRecord) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  summary(): { calls: number; attempts: number; failed: number; byOperation: Record<string, number> } {
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    return { calls: sum(this.calls), attempts: sum(this.attempts), failed: this.failed, byOperation: this.byOperation() };
  }

  reset(): void {
    this.calls.clear();
    this.attempts.clear();
    this.failed = 0;
  }
}
