import type { DataSource } from 'typeorm';
import { CanaryIntervalEntity } from '../entities/canary-interval.entity';
import { CanaryResultEntity, type CanaryRunStatus } from '../entities/canary-result.entity';
import type { CanaryIntervalRecord, CanaryResultRecord, CanaryResultStore, NewCanaryResult } from './canary-store.port';

/** Canary runs and intervals in Postgres (canary_results, canary_intervals). */
export class CanaryResultRepository implements CanaryResultStore {
  constructor(private readonly ds: DataSource) {}

  async create(r: NewCanaryResult): Promise<void> {
    await this.ds.query(
      `INSERT INTO canary_results (id, execution_id, stage_id, application, config_id, config_name, config, status, details, start_time, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'RUNNING', $8, $9, now(), now())
       ON CONFLICT (id) DO NOTHING`,
      [r.id, r.executionId, r.stageId, r.application, r.configId, r.configName, JSON.stringify(r.config), JSON.stringify(r.details), r.startTime],
    );
  }

  async get(id: string): Promise<CanaryResultRecord | null> {
    return this.ds.manager.findOne(CanaryResultEntity, { where: { id } });
  }

  async saveInterval(i: CanaryIntervalRecord): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO canary_intervals (result_id, index, start_time, end_time, judged_at, score, classification, judgment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (result_id, index) DO UPDATE SET start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, judged_at = EXCLUDED.judged_at,
           score = EXCLUDED.score, classification = EXCLUDED.classification, judgment = EXCLUDED.judgment`,
        [i.resultId, i.index, i.startTime, i.endTime, i.judgedAt, i.score, i.classification, JSON.stringify(i.judgment)],
      );
      // The run shows the latest interval's score until it is decided.
      await m.query(
        `UPDATE canary_results SET score = $2, updated_at = now()
         WHERE id = $1 AND status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM canary_intervals c WHERE c.result_id = $1 AND c.index > $3)`,
        [i.resultId, i.score, i.index],
      );
    });
  }

  intervals(resultId: string): Promise<CanaryIntervalRecord[]> {
    return this.ds.manager.find(CanaryIntervalEntity, { where: { resultId }, order: { index: 'ASC' } });
  }

  async finish(id: string, o: { status: CanaryRunStatus; classification: string | null; score: number | null; message: string | null; ended: boolean }): Promise<void> {
    // A run that ended stays as it ended (a late cancel does not overwrite a verdict).
    await this.ds.query(
      `UPDATE canary_results SET status = $2, classification = COALESCE($3, classification), score = COALESCE($4, score), message = COALESCE($5, message),
         end_time = CASE WHEN $6 THEN now() ELSE end_time END, updated_at = now()
       WHERE id = $1 AND status = 'RUNNING'`,
      [id, o.status, o.classification, o.score, o.message, o.ended],
    );
  }

  /**
   * The status of the run's execution (executions table of the runtime), or null when unknown. A
   * run still RUNNING whose execution ended (canceled while a marginal canary awaited its judgment,
   * a crash) is closed by the result service when read.
   */
  async executionStatus(executionId: string): Promise<string | null> {
    try {
      const rows = (await this.ds.query('SELECT status FROM executions WHERE id = $1', [executionId])) as Array<{ status: string }>;
      return rows[0]?.status ?? null;
    } catch {
      return null;
    }
  }

  /** Runs of an execution, oldest first (an execution may hold several canary stages). */
  byExecution(executionId: string): Promise<CanaryResultRecord[]> {
    return this.ds.manager.find(CanaryResultEntity, { where: { executionId }, order: { createdAt: 'ASC' } });
  }
}
