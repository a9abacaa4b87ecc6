// Canary config and result stores in memory, for unit specs of the stage logic (the Postgres
// repositories have their own integration spec). TEST ONLY.
import type { CanaryRunStatus } from '../entities/canary-result.entity';
import type { CanaryConfigStore, CanaryIntervalRecord, CanaryResultRecord, CanaryResultStore, NewCanaryResult, StoredCanaryConfig } from '../store/canary-store.port';

export class InMemoryCanaryConfigStore implements CanaryConfigStore {
  readonly configs = new Map<string, StoredCanaryConfig>();

  put(id: string, config: Record<string, unknown>): StoredCanaryConfig {
    const now = new Date(0);
    const stored: StoredCanaryConfig = { id, name: String(config['name']), applications: [], config: { ...config, id }, createdAt: now, updatedAt: now, updatedBy: null };
    this.configs.set(id, stored);
    return stored;
  }

  async byId(id: string): Promise<StoredCanaryConfig | null> {
    return this.configs.get(id) ?? null;
  }

  async byName(name: string): Promise<StoredCanaryConfig | null> {
    return [...this.configs.values()].find((c) => c.name === name) ?? null;
  }
}

export class InMemoryCanaryResultStore implements CanaryResultStore {
  readonly results = new Map<string, CanaryResultRecord>();
  readonly intervalRows = new Map<string, CanaryIntervalRecord[]>();
  /** Every saveInterval call, to see retries. */
  saves = 0;

  async create(r: NewCanaryResult): Promise<void> {
    if (this.results.has(r.id)) return;
    this.results.set(r.id, { ...r, status: 'RUNNING', classification: null, score: null, message: null, endTime: null, createdAt: new Date(), updatedAt: new Date() });
  }

  async get(id: string): Promise<CanaryResultRecord | null> {
    return this.results.get(id) ?? null;
  }

  async saveInterval(i: CanaryIntervalRecord): Promise<void> {
    this.saves++;
    const rows = (this.intervalRows.get(i.resultId) ?? []).filter((x) => x.index !== i.index);
    rows.push(JSON.parse(JSON.stringify({ ...i, startTime: i.startTime.getTime(), endTime: i.endTime.getTime(), judgedAt: i.judgedAt.getTime() })) as CanaryIntervalRecord);
    rows.sort((a, b) => a.index - b.index);
    this.intervalRows.set(i.resultId, rows);
    const r = this.results.get(i.resultId);
    if (r && r.status === 'RUNNING') r.score = i.score;
  }

  async intervals(resultId: string): Promise<CanaryIntervalRecord[]> {
    return this.intervalRows.get(resultId) ?? [];
  }

  async finish(id: string, o: { status: CanaryRunStatus; classification: string | null; score: number | null; message: string | null; ended: boolean }): Promise<void> {
    const r = this.results.get(id);
    if (!r || r.status !== 'RUNNING') return;
    r.status = o.status;
    r.classification = o.classification ?? r.classification;
    r.score = o.score ?? r.score;
    r.message = o.message ?? r.message;
    if (o.ended) r.endTime = new Date();
  }
}
