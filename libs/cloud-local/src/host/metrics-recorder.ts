import { bucketIndex, emptyCounts } from '../histogram.util';
import type { LocalStateRepository } from '../local-state.repository';

interface Acc {
  account: string;
  region: string;
  serverGroup: string;
  bucket: number;
  requests: number;
  errors: number;
  latencySumMs: number;
  latencyCounts: number[];
}

/**
 * Counts requests per server group and second in memory; `flush` writes the finished seconds
 * (all of them on shutdown) to Postgres, where any process can query them.
 */
export class MetricsRecorder {
  private readonly acc = new Map<string, Acc>();

  record(account: string, region: string, serverGroup: string, status: number, latencyMs: number, at = Date.now()): void {
    const bucket = Math.floor(at / 1000) * 1000;
    const key = `${account}\0${region}\0${serverGroup}\0${bucket}`;
    let a = this.acc.get(key);
    if (!a) {
      a = { account, region, serverGroup, bucket, requests: 0, errors: 0, latencySumMs: 0, latencyCounts: emptyCounts() };
      this.acc.set(key, a);
    }
    a.requests++;
    if (status >= 500) a.errors++;
    a.latencySumMs += latencyMs;
    const i = bucketIndex(latencyMs);
    a.latencyCounts[i] = (a.latencyCounts[i] ?? 0) + 1;
  }

  async flush(repo: LocalStateRepository, all = false): Promise<void> {
    const cutoff = all ? Number.POSITIVE_INFINITY : Math.floor(Date.now() / 1000) * 1000;
    const done: Acc[] = [];
    for (const [k, a] of this.acc) {
      if (a.bucket < cutoff) {
        done.push(a);
        this.acc.delete(k);
      }
    }
    try {
      await repo.addMetrics(done.map((a) => ({ ...a, bucket: new Date(a.bucket) })));
    } catch (err) {
      // Keep them for the next flush rather than lose a canary's data to a database blink.
      for (const a of done) this.acc.set(`${a.account}\0${a.region}\0${a.serverGroup}\0${a.bucket}`, a);
      throw err;
    }
  }
}
