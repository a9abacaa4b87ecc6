import type { Execution, ExecutionStatus, PausedDetails, Stage, StageError, Task } from '@gennaker/engine';
import type { DataSource, EntityManager } from 'typeorm';
import type { OutboxRow } from './outbox.repository';
import { preparedQuery, returnedRows } from './sql.util';

type Row = Record<string, unknown>;

const ms = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  return new Date(String(v)).getTime();
};
const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString());

const FINAL_STATUSES = ['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED'];

/** What was loaded, to store only rows that changed. */
export interface ExecutionSnapshot {
  execution: string;
  stages: Map<string, string>;
  tasks: Map<string, string>;
}

export interface ExecutionListFilter {
  application?: string;
  pipelineConfigId?: string;
  statuses?: ExecutionStatus[];
  type?: string;
  limit: number;
  cursor?: { buildTime: number; id: string } | null;
}

/** An execution as lists show it: its own fields and its stages' statuses, without contexts. */
export type ExecutionSummary = Pick<
  Execution,
  'id' | 'type' | 'application' | 'pipelineConfigId' | 'name' | 'status' | 'trigger' | 'buildTime' | 'startTime' | 'endTime' | 'canceled'
> & {
  stages: Array<Pick<Stage, 'id' | 'refId' | 'name' | 'type' | 'status' | 'startTime' | 'endTime' | 'parentStageId' | 'requisiteStageRefIds'>>;
};

/** Rows for another table, stored in the statement that stores a new execution. */
export interface RowsToInsert {
  table: string;
  /** The columns given; the others take their defaults. */
  columns: string[];
  rows: Row[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function insertRowsSql(a: RowsToInsert, param: number): string {
  for (const name of [a.table, ...a.columns]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: "${name}"`);
  const columns = a.columns.join(', ');
  return `INSERT INTO ${a.table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${a.table}, $${param}::json) RETURNING 1`;
}

/** An execution with its stages and tasks (as JSON) in one row; `extra` adds columns. */
function loadSql(extra: string): string {
  return `SELECT e.*, COALESCE((
     SELECT json_agg(x ORDER BY x.seq) FROM (
       SELECT s.*, COALESCE((SELECT json_agg(t ORDER BY t.seq) FROM tasks t WHERE t.stage_id = s.id), '[]'::json) AS task_rows
         FROM stages s WHERE s.execution_id = e.id) x), '[]'::json) AS stage_rows${extra}
     FROM executions e WHERE e.id = $1`;
}

/** What a commit without a lock held checks first (see commitMany). */
export interface CommitGuard {
  executionId: string;
  /** The version read. */
  version: number;
  /** The message being handled, and its woken flag as read. */
  outboxId: string;
  woken: boolean;
}

/** A "start the waiting runs of this pipeline" message of a run that ended (see commitMany). */
export interface WaitingStart {
  pipelineConfigId: string;
  /** Its outbox row (outboxRows); the payload carries pipelineConfigId. */
  row: OutboxRow;
}

/**
 * Executions with their stages and tasks. The engine's hot path: loads and stores a whole
 * execution in a handful of statements, writing only rows that changed.
 */
export class ExecutionRepository {
  constructor(private readonly ds: DataSource) {}

  /** Row version of each execution this repository loaded (bumped by every stored change). */
  private readonly versions = new WeakMap<Execution, number>();

  /** Loads an execution with its stages and tasks in one statement. */
  async load(id: string, options: { manager?: EntityManager } = {}): Promise<Execution | null> {
    const row = (await preparedQuery(options.manager ?? this.ds.manager, loadSql(''), [id]))[0];
    return row ? this.toLoaded(row) : null;
  }

  /**
   * load, and whether the outbox message `outboxId` is still pending (not handled yet), in one
   * statement: what a task run reads before it calls out. null when the execution does not exist.
   */
  async loadWithPending(id: string, outboxId: string): Promise<{ execution: Execution; pending: boolean; woken: boolean } | null> {
    const row = (await preparedQuery(this.ds.manager, loadSql(', (SELECT o.woken FROM outbox o WHERE o.id = $2) AS pending_woken'), [id, outboxId]))[0];
    if (!row) return null;
    const woken = row['pending_woken'] as boolean | null;
    return { execution: this.toLoaded(row), pending: woken !== null, woken: woken === true };
  }

  private toLoaded(row: Row): Execution {
    const execution = toExecution(row, (row['stage_rows'] as Row[]) ?? []);
    this.versions.set(execution, Number(row['version'] ?? 0));
    return execution;
  }

  /** The row version an execution had when it was loaded (or last committed). */
  versionOf(e: Execution): number | undefined {
    return this.versions.get(e);
  }

  /**
   * Takes an execution's row lock and says its current version, so a caller holding a copy read
   * before the lock can tell whether the copy is still current. null when it does not exist.
   */
  async lock(m: EntityManager, id: string): Promise<{ version: number } | null> {
    const rows: Row[] = await preparedQuery(m, `SELECT version FROM executions WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? { version: Number(rows[0]['version']) } : null;
  }

  /**
   * lock, then the deletion of the outbox message being handled, in one round trip. The message is
   * deleted only once the lock is held (a transition holding it may delete the message itself), and
   * not at all when the execution does not exist. `taken` is null when the message was already gone.
   */
  async lockAndTake(m: EntityManager, id: string, outboxId: string): Promise<{ version: number; taken: { woken: boolean } | null } | null> {
    const rows: Row[] = await preparedQuery(m, 
      `WITH locked AS (SELECT version FROM executions WHERE id = $1 FOR UPDATE),
            taken AS (DELETE FROM outbox WHERE id = $2 AND EXISTS (SELECT 1 FROM locked) RETURNING woken)
       SELECT (SELECT version FROM locked) AS version, (SELECT count(*)::int FROM taken) AS taken, (SELECT bool_or(woken) FROM taken) AS woken`,
      [id, outboxId],
    );
    const r = rows[0];
    if (!r || r['version'] === null || r['version'] === undefined) return null;
    return { version: Number(r['version']), taken: Number(r['taken']) > 0 ? { woken: r['woken'] === true } : null };
  }

  /**
   * lockAndTake and load in one round trip. The load reads with the statement's snapshot, which
   * may predate a change committed while the lock was awaited: `execution` is then null (its
   * version differs from the locked one) and the caller loads again after the lock.
   */
  async lockTakeAndLoad(
    m: EntityManager,
    id: string,
    outboxId: string,
  ): Promise<{ version: number; taken: { woken: boolean } | null; execution: Execution | null } | null> {
    const row = (
      await preparedQuery(
        m,
        `WITH locked AS (SELECT version FROM executions WHERE id = $1 FOR UPDATE),
              taken AS (DELETE FROM outbox WHERE id = $2 AND EXISTS (SELECT 1 FROM locked) RETURNING woken)
         ${loadSql(', (SELECT version FROM locked) AS locked_version, (SELECT count(*)::int FROM taken) AS taken_count, (SELECT bool_or(woken) FROM taken) AS taken_woken')}`,
        [id, outboxId],
      )
    )[0];
    if (!row || row['locked_version'] === null || row['locked_version'] === undefined) return null;
    const version = Number(row['locked_version']);
    const taken = Number(row['taken_count']) > 0 ? { woken: row['taken_woken'] === true } : null;
    return { version, taken, execution: taken && Number(row['version']) === version ? this.toLoaded(row) : null };
  }

  /**
   * Stores a transition in one statement: changed and removed stages and tasks, the execution
   * row (version bumped), the new outbox messages, and, when asked, the removal of the
   * execution's other pending messages. Returns the stored messages and the dropped ones.
   */
  async commit(
    m: EntityManager,
    before: ExecutionSnapshot | null,
    e: Execution,
    outbox: { rows: OutboxRow[]; dropPending: boolean },
    waitingStarts: WaitingStart[] = [],
  ): Promise<{ stored: Row[]; dropped: Array<{ id: string; queue: string }> }> {
    return this.commitMany(m, [{ before, execution: e, outboxRows: outbox.rows, dropPending: outbox.dropPending }], [], waitingStarts);
  }

  /**
   * Stores the transitions of several executions (each locked by the caller) in one statement, as
   * commit does for one, and deletes the outbox messages they handled (`taken`). `waitingStarts`
   * (of runs that ended) are stored only for the pipelines that have a BUFFERED run, checked in
   * the same statement under the pipelines' locks (see gennaker_buffered_pipelines), which are
   * then held until the caller commits.
   *
   * With a `guard` the caller holds no lock (it read the execution before, outside a transaction)
   * and the statement stands alone: it locks the execution, and writes anything only when its
   * version is still the one read and the message being handled is still pending as read (it is
   * then taken). Otherwise nothing is written and `applied` is false: the caller applies the
   * message again under the lock.
   */
  async commitMany(
    m: EntityManager,
    items: Array<{ before: ExecutionSnapshot | null; execution: Execution; outboxRows: OutboxRow[]; dropPending: boolean }>,
    taken: string[],
    waitingStarts: WaitingStart[] = [],
    guard: CommitGuard | null = null,
  ): Promise<{ stored: Row[]; dropped: Array<{ id: string; queue: string }>; applied: boolean }> {
    const stages: Row[] = [];
    const tasks: Row[] = [];
    const goneStages: string[] = [];
    const goneTasks: string[] = [];
    const outbox: OutboxRow[] = [];
    for (const item of items) {
      const c = this.changes(item.before, item.execution);
      stages.push(...c.stages);
      tasks.push(...c.tasks);
      goneStages.push(...c.goneStages);
      goneTasks.push(...c.goneTasks);
      outbox.push(...item.outboxRows);
    }
    const result = await preparedQuery(
      m,
      `WITH
         guard AS (SELECT id FROM executions WHERE id = $12::text AND version = $13::int FOR UPDATE),
         guarded AS (DELETE FROM outbox WHERE id = $14::text AND woken = $15::boolean AND EXISTS (SELECT 1 FROM guard) RETURNING 1),
         gate AS (SELECT 1 WHERE $12::text IS NULL UNION ALL SELECT 1 FROM guarded),
         tk AS (DELETE FROM outbox WHERE id = ANY($8::text[]) AND EXISTS (SELECT 1 FROM gate) RETURNING 1),
         od AS (DELETE FROM outbox WHERE execution_id = ANY($7::text[]) AND NOT (id = ANY($8::text[])) AND id IS DISTINCT FROM $14::text
                  AND type NOT IN ('CancelStage', 'ExecutionFinished') AND EXISTS (SELECT 1 FROM gate) RETURNING id, queue),
         dt AS (DELETE FROM tasks WHERE id = ANY($5::text[]) AND EXISTS (SELECT 1 FROM gate)),
         ds AS (DELETE FROM stages WHERE id = ANY($4::text[]) AND EXISTS (SELECT 1 FROM gate)),
         us AS (INSERT INTO stages SELECT * FROM json_populate_recordset(NULL::stages, $2::json) WHERE EXISTS (SELECT 1 FROM gate)
                ON CONFLICT (id) DO UPDATE SET
                  seq = EXCLUDED.seq, status = EXCLUDED.status, name = EXCLUDED.name, initial_context = EXCLUDED.initial_context,
                  context = EXCLUDED.context, outputs = EXCLUDED.outputs, requisite_stage_ref_ids = EXCLUDED.requisite_stage_ref_ids,
                  start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, paused_ms = EXCLUDED.paused_ms,
                  error = EXCLUDED.error, failure_handled = EXCLUDED.failure_handled, last_modified = EXCLUDED.last_modified
                RETURNING 1),
         ut AS (INSERT INTO tasks SELECT * FROM json_populate_recordset(NULL::tasks, $3::json) WHERE EXISTS (SELECT 1 FROM gate)
                ON CONFLICT (id) DO UPDATE SET
                  status = EXCLUDED.status, start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time,
                  attempts = EXCLUDED.attempts, paused_ms = EXCLUDED.paused_ms, last_error = EXCLUDED.last_error
                RETURNING 1),
         ob AS (INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $6::json) WHERE EXISTS (SELECT 1 FROM gate)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE
                  SET deliver_at = LEAST(outbox.deliver_at, EXCLUDED.deliver_at), woken = true
                RETURNING id, execution_id, type, queue, payload, deliver_at, dedupe_key, (xmax = 0) AS inserted),
         bp AS (SELECT b AS id FROM gennaker_buffered_pipelines($10::text[]) b),
         ow AS (INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $11::json) w
                WHERE EXISTS (SELECT 1 FROM gate) AND w.payload->>'pipelineConfigId' IN (SELECT id FROM bp)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE
                  SET deliver_at = LEAST(outbox.deliver_at, EXCLUDED.deliver_at), woken = true
                RETURNING id, execution_id, type, queue, payload, deliver_at, dedupe_key, (xmax = 0) AS inserted),
         ue AS (UPDATE executions x SET
                  version = x.version + 1, status = r.status, start_time = r.start_time, end_time = r.end_time, canceled = r.canceled,
                  canceled_by = r.canceled_by, cancellation_reason = r.cancellation_reason, paused = r.paused,
                  trigger = r.trigger, spec = r.spec, updated_at = now()
                FROM json_populate_recordset(NULL::executions, $1::json) r WHERE x.id = r.id AND x.id = ANY($9::text[]) AND EXISTS (SELECT 1 FROM gate)
                RETURNING x.id, x.version)
       SELECT (SELECT json_agg(o) FROM (SELECT * FROM ob UNION ALL SELECT * FROM ow) o) AS stored, (SELECT json_agg(od) FROM od) AS dropped, (SELECT json_agg(ue) FROM ue) AS versions,
              (SELECT count(*) FROM us) AS stages, (SELECT count(*) FROM ut) AS tasks, (SELECT count(*) FROM tk) AS taken, EXISTS (SELECT 1 FROM gate) AS applied`,
      [
        JSON.stringify(items.map((i) => executionRow(i.execution))),
        JSON.stringify(stages),
        JSON.stringify(tasks),
        goneStages,
        goneTasks,
        JSON.stringify(outbox),
        items.filter((i) => i.dropPending).map((i) => i.execution.id),
        taken,
        // The planner takes a set-returning function for 100 rows, so joined on id alone it reads
        // every execution (a hash join over a sequential scan) until the table is large; the ids
        // let it fetch the few rows by the primary key.
        items.map((i) => i.execution.id),
        // Locked in this order: two transactions never take two pipelines' locks the other way round.
        [...new Set(waitingStarts.map((w) => w.pipelineConfigId))].sort(),
        JSON.stringify(waitingStarts.map((w) => w.row)),
        guard?.executionId ?? null,
        guard?.version ?? null,
        guard?.outboxId ?? null,
        guard?.woken ?? null,
      ],
    );
    const r = result[0] ?? {};
    if (r['applied'] !== true) return { stored: [], dropped: [], applied: false };
    const versions = new Map(((r['versions'] as Row[] | null) ?? []).map((v) => [String(v['id']), Number(v['version'])]));
    for (const item of items) this.versions.set(item.execution, versions.get(item.execution.id) ?? 0);
    return {
      stored: (r['stored'] as Row[] | null) ?? [],
      dropped: ((r['dropped'] as Row[] | null) ?? []).map((d) => ({ id: String(d['id']), queue: String(d['queue']) })),
      applied: true,
    };
  }

  /** Takes the row locks of several executions, in id order (two callers never deadlock); returns the ids that exist. */
  async lockMany(m: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows = await preparedQuery(m, `SELECT id FROM executions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids]);
    return new Set(rows.map((r) => String(r['id'])));
  }

  /**
   * Loads several executions in one statement, with which of the given outbox messages are still
   * pending for each (and whether they were woken). Run after lockMany, in a later statement, so
   * what it reads postdates the locks.
   */
  async loadMany(m: EntityManager, ids: string[], outboxIds: string[]): Promise<Array<{ execution: Execution; pending: Map<string, { woken: boolean }> }>> {
    const rows = await preparedQuery(
      m,
      `SELECT e.*, COALESCE((
         SELECT json_agg(x ORDER BY x.seq) FROM (
           SELECT s.*, COALESCE((SELECT json_agg(t ORDER BY t.seq) FROM tasks t WHERE t.stage_id = s.id), '[]'::json) AS task_rows
             FROM stages s WHERE s.execution_id = e.id) x), '[]'::json) AS stage_rows,
         (SELECT json_agg(json_build_object('id', o.id, 'woken', o.woken)) FROM outbox o WHERE o.id = ANY($2::text[]) AND o.execution_id = e.id) AS pending
         FROM executions e WHERE e.id = ANY($1::text[])`,
      [ids, outboxIds],
    );
    return rows.map((row) => {
      const execution = toExecution(row, (row['stage_rows'] as Row[]) ?? []);
      this.versions.set(execution, Number(row['version'] ?? 0));
      const pending = new Map(((row['pending'] as Row[] | null) ?? []).map((o) => [String(o['id']), { woken: o['woken'] === true }]));
      return { execution, pending };
    });
  }

  /** Whether nothing of the execution changed since the snapshot. */
  unchanged(before: ExecutionSnapshot, e: Execution): boolean {
    if (JSON.stringify(executionRow(e)) !== before.execution) return false;
    const c = this.changes(before, e);
    return c.stages.length === 0 && c.tasks.length === 0 && c.goneStages.length === 0 && c.goneTasks.length === 0;
  }

  private changes(before: ExecutionSnapshot | null, e: Execution): { stages: Row[]; tasks: Row[]; goneStages: string[]; goneTasks: string[] } {
    const stages: Row[] = [];
    const tasks: Row[] = [];
    const liveStageIds = new Set<string>();
    const liveTaskIds = new Set<string>();
    for (const s of e.stages) {
      liveStageIds.add(s.id);
      const row = stageRow(e.id, s);
      if (!before || before.stages.get(s.id) !== JSON.stringify(row)) stages.push(row);
      s.tasks.forEach((t, i) => {
        liveTaskIds.add(t.id);
        const tr = taskRow(e.id, s.id, t, i);
        if (!before || before.tasks.get(t.id) !== JSON.stringify(tr)) tasks.push(tr);
      });
    }
    return {
      stages,
      tasks,
      goneStages: before ? [...before.stages.keys()].filter((id) => !liveStageIds.has(id)) : [],
      goneTasks: before ? [...before.tasks.keys()].filter((id) => !liveTaskIds.has(id)) : [],
    };
  }

  snapshot(e: Execution): ExecutionSnapshot {
    return {
      execution: JSON.stringify(executionRow(e)),
      stages: new Map(e.stages.map((s) => [s.id, JSON.stringify(stageRow(e.id, s))])),
      tasks: new Map(e.stages.flatMap((s) => s.tasks.map((t, i) => [t.id, JSON.stringify(taskRow(e.id, s.id, t, i))] as const))),
    };
  }

  /**
   * Stores a new execution with its stages and tasks and, when given, its first outbox messages
   * (as from outboxRows) and rows of other tables that must exist exactly when it does (its
   * audit event), in one statement: atomic without a transaction. Returns the stored messages.
   */
  async insert(m: EntityManager, e: Execution, outboxRows: OutboxRow[] = [], also: RowsToInsert[] = []): Promise<Row[]> {
    return this.insertMany(m, [{ execution: e, outboxRows, also }]);
  }

  /**
   * insert for several new executions in one statement (all or none); returns all stored messages.
   * `extra` rows (say, the webhook deliveries that started them) go in the same statement.
   */
  async insertMany(m: EntityManager, items: Array<{ execution: Execution; outboxRows?: OutboxRow[]; also?: RowsToInsert[] }>, extra: RowsToInsert[] = []): Promise<Row[]> {
    const stages: Row[] = [];
    const tasks: Row[] = [];
    const outbox: Row[] = [];
    // Rows for other tables, merged per table and columns so the statement's text stays fixed.
    const also = new Map<string, RowsToInsert>();
    const updatedAt = new Date().toISOString();
    const addRows = (a: RowsToInsert): void => {
      const key = `${a.table}(${a.columns.join(',')})`;
      const merged = also.get(key);
      if (merged) merged.rows.push(...a.rows);
      else also.set(key, { ...a, rows: [...a.rows] });
    };
    for (const { execution: e, outboxRows, also: more } of items) {
      for (const s of e.stages) {
        stages.push(stageRow(e.id, s));
        s.tasks.forEach((t, i) => tasks.push(taskRow(e.id, s.id, t, i)));
      }
      outbox.push(...(outboxRows ?? []));
      for (const a of more ?? []) addRows(a);
    }
    for (const a of extra) addRows(a);
    const others = [...also.values()];
    const result = await preparedQuery(
      m,
      `WITH
         ie AS (INSERT INTO executions SELECT * FROM json_populate_recordset(NULL::executions, $1::json) RETURNING version),
         st AS (INSERT INTO stages SELECT * FROM json_populate_recordset(NULL::stages, $2::json) RETURNING 1),
         tk AS (INSERT INTO tasks SELECT * FROM json_populate_recordset(NULL::tasks, $3::json) RETURNING 1),
         ob AS (INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $4::json)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE
                  SET deliver_at = LEAST(outbox.deliver_at, EXCLUDED.deliver_at), woken = true
                RETURNING id, execution_id, type, queue, payload, deliver_at, dedupe_key, (xmax = 0) AS inserted)${others.map((a, i) => `,
         x${i} AS (${insertRowsSql(a, 5 + i)})`).join('')}
       SELECT (SELECT json_agg(ob) FROM ob) AS stored, (SELECT count(*) FROM ie) AS executions, (SELECT count(*) FROM st) AS stages, (SELECT count(*) FROM tk) AS tasks`,
      [
        JSON.stringify(items.map(({ execution: e }) => ({ ...executionRow(e), version: 1, updated_at: updatedAt }))),
        JSON.stringify(stages),
        JSON.stringify(tasks),
        JSON.stringify(outbox),
        ...others.map((a) => JSON.stringify(a.rows)),
      ],
    );
    for (const { execution } of items) this.versions.set(execution, 1);
    return (result[0]?.['stored'] as Row[] | null) ?? [];
  }

  /** Executions of a pipeline that occupy a concurrency slot. */
  async countRunning(m: EntityManager, pipelineConfigId: string, excludeId?: string): Promise<number> {
    const rows: Row[] = await preparedQuery(m, 
      `SELECT count(*)::int AS n FROM executions
        WHERE pipeline_config_id = $1 AND status IN ('RUNNING', 'PAUSED', 'SUSPENDED') AND id <> $2`,
      [pipelineConfigId, excludeId ?? ''],
    );
    return Number(rows[0]?.['n'] ?? 0);
  }

  async listBuffered(m: EntityManager, pipelineConfigId: string): Promise<Array<{ id: string; buildTime: number; keepWaitingPipelines: boolean; limitConcurrent: boolean; maxConcurrentExecutions: number }>> {
    const rows: Row[] = await preparedQuery(m, 
      `SELECT id, build_time, keep_waiting_pipelines, limit_concurrent, max_concurrent_executions FROM executions
        WHERE pipeline_config_id = $1 AND status = 'BUFFERED' ORDER BY build_time, id`,
      [pipelineConfigId],
    );
    return rows.map((r) => ({
      id: String(r['id']),
      buildTime: ms(r['build_time']) ?? 0,
      keepWaitingPipelines: r['keep_waiting_pipelines'] === true,
      limitConcurrent: r['limit_concurrent'] === true,
      maxConcurrentExecutions: Number(r['max_concurrent_executions']),
    }));
  }

  async list(filter: ExecutionListFilter): Promise<{ items: ExecutionSummary[]; nextCursor: { buildTime: number; id: string } | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.application) add('application = ?', filter.application);
    if (filter.pipelineConfigId) add('pipeline_config_id = ?', filter.pipelineConfigId);
    if (filter.statuses && filter.statuses.length > 0) add('status = ANY(?)', filter.statuses);
    if (filter.type) add('type = ?', filter.type);
    if (filter.cursor) {
      params.push(new Date(filter.cursor.buildTime).toISOString(), filter.cursor.id);
      where.push(`(build_time, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(filter.limit + 1);
    const rows: Row[] = await this.ds.query(
      `SELECT id, type, application, pipeline_config_id, name, status, trigger, build_time, start_time, end_time, canceled
         FROM executions ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY build_time DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const ids = page.map((r) => String(r['id']));
    const stageRows: Row[] =
      ids.length === 0
        ? []
        : await this.ds.query(
            `SELECT id, execution_id, ref_id, name, type, status, start_time, end_time, parent_stage_id, requisite_stage_ref_ids
               FROM stages WHERE execution_id = ANY($1) ORDER BY seq`,
            [ids],
          );
    const byExec = new Map<string, ExecutionSummary['stages']>();
    for (const s of stageRows) {
      const list = byExec.get(String(s['execution_id'])) ?? [];
      list.push({
        id: String(s['id']),
        refId: String(s['ref_id']),
        name: String(s['name']),
        type: String(s['type']),
        status: s['status'] as ExecutionStatus,
        startTime: ms(s['start_time']),
        endTime: ms(s['end_time']),
        parentStageId: (s['parent_stage_id'] as string | null) ?? null,
        requisiteStageRefIds: (s['requisite_stage_ref_ids'] as string[]) ?? [],
      });
      byExec.set(String(s['execution_id']), list);
    }
    const items: ExecutionSummary[] = page.map((r) => ({
      id: String(r['id']),
      type: r['type'] as Execution['type'],
      application: String(r['application']),
      pipelineConfigId: (r['pipeline_config_id'] as string | null) ?? null,
      name: String(r['name']),
      status: r['status'] as ExecutionStatus,
      trigger: r['trigger'] as Record<string, unknown>,
      buildTime: ms(r['build_time']) ?? 0,
      startTime: ms(r['start_time']),
      endTime: ms(r['end_time']),
      canceled: r['canceled'] === true,
      stages: byExec.get(String(r['id'])) ?? [],
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? { buildTime: last.buildTime, id: last.id } : null };
  }

  /** RUNNING (or never started) executions not changed for `idleMs` and with no pending message: candidates for repair. */
  async findStalled(idleMs: number, limit = 100): Promise<string[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT e.id FROM executions e
        WHERE e.status IN ('RUNNING', 'NOT_STARTED') AND e.updated_at < now() - ($1 || ' milliseconds')::interval
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.execution_id = e.id)
        ORDER BY e.updated_at LIMIT $2`,
      [String(idleMs), limit],
    );
    return rows.map((r) => String(r['id']));
  }

  /** Pipelines that have BUFFERED executions but none running: their waiting runs were not started. */
  async findStuckBuffers(idleMs: number): Promise<string[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT DISTINCT b.pipeline_config_id AS id FROM executions b
        WHERE b.status = 'BUFFERED' AND b.pipeline_config_id IS NOT NULL AND b.updated_at < now() - ($1 || ' milliseconds')::interval
          AND NOT EXISTS (SELECT 1 FROM executions r WHERE r.pipeline_config_id = b.pipeline_config_id AND r.status IN ('RUNNING','PAUSED'))`,
      [String(idleMs)],
    );
    return rows.map((r) => String(r['id']));
  }

  /**
   * Deletes finished executions older than `maxAgeDays`, and beyond the newest `maxPerPipeline` of
   * each pipeline. Batched so that a large backlog does not hold long locks.
   */
  async deleteExpired(maxAgeDays: number, maxPerPipeline: number, batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = returnedRows(await this.ds.query(
        `WITH doomed AS (
           SELECT id FROM executions
            WHERE status = ANY($1) AND end_time < now() - ($2 || ' days')::interval
           UNION
           SELECT id FROM (
             SELECT id, row_number() OVER (PARTITION BY COALESCE(pipeline_config_id, application || ':adhoc') ORDER BY build_time DESC) AS rn
               FROM executions WHERE status = ANY($1)
           ) ranked WHERE rn > $3
           LIMIT $4
         )
         DELETE FROM executions WHERE id IN (SELECT id FROM doomed) RETURNING id`,
        [FINAL_STATUSES, String(maxAgeDays), maxPerPipeline, batch],
      ));
      total += rows.length;
      if (rows.length < batch) return total;
    }
  }

  async childOf(parentStageId: string): Promise<{ id: string; status: ExecutionStatus } | null> {
    const rows: Row[] = await this.ds.query(`SELECT id, status FROM executions WHERE parent_stage_id = $1 ORDER BY build_time LIMIT 1`, [parentStageId]);
    const r = rows[0];
    return r ? { id: String(r['id']), status: r['status'] as ExecutionStatus } : null;
  }

  async status(id: string): Promise<ExecutionStatus | null> {
    const rows: Row[] = await this.ds.query(`SELECT status FROM executions WHERE id = $1`, [id]);
    return (rows[0]?.['status'] as ExecutionStatus | undefined) ?? null;
  }
}

function executionRow(e: Execution): Row {
  return {
    id: e.id,
    type: e.type,
    application: e.application,
    pipeline_config_id: e.pipelineConfigId,
    name: e.name,
    status: e.status,
    trigger: e.trigger,
    build_time: iso(e.buildTime),
    start_time: iso(e.startTime),
    end_time: iso(e.endTime),
    canceled: e.canceled,
    canceled_by: e.canceledBy,
    cancellation_reason: e.cancellationReason,
    paused: e.paused,
    limit_concurrent: e.limitConcurrent,
    max_concurrent_executions: e.maxConcurrentExecutions,
    keep_waiting_pipelines: e.keepWaitingPipelines,
    parent_execution_id: e.parentExecutionId,
    parent_stage_id: e.parentStageId,
    spec: e.spec,
  };
}

function stageRow(executionId: string, s: Stage): Row {
  return {
    id: s.id,
    execution_id: executionId,
    seq: s.seq,
    ref_id: s.refId,
    type: s.type,
    name: s.name,
    status: s.status,
    initial_context: s.initialContext,
    context: s.context,
    outputs: s.outputs,
    requisite_stage_ref_ids: s.requisiteStageRefIds,
    parent_stage_id: s.parentStageId,
    synthetic_stage_owner: s.syntheticStageOwner,
    start_time: iso(s.startTime),
    end_time: iso(s.endTime),
    paused_ms: s.pausedMs,
    error: s.error,
    failure_handled: s.failureHandled === true,
    last_modified: s.lastModified ?? null,
  };
}

function taskRow(executionId: string, stageId: string, t: Task, seq: number): Row {
  return {
    id: t.id,
    stage_id: stageId,
    execution_id: executionId,
    seq,
    name: t.name,
    type: t.type,
    status: t.status,
    start_time: iso(t.startTime),
    end_time: iso(t.endTime),
    attempts: t.attempts,
    paused_ms: t.pausedMs,
    last_error: t.lastError,
  };
}

function toExecution(row: Row, stageRows: Row[]): Execution {
  return {
    id: String(row['id']),
    type: row['type'] as Execution['type'],
    application: String(row['application']),
    pipelineConfigId: (row['pipeline_config_id'] as string | null) ?? null,
    name: String(row['name']),
    status: row['status'] as ExecutionStatus,
    trigger: (row['trigger'] as Record<string, unknown>) ?? {},
    buildTime: ms(row['build_time']) ?? 0,
    startTime: ms(row['start_time']),
    endTime: ms(row['end_time']),
    canceled: row['canceled'] === true,
    canceledBy: (row['canceled_by'] as string | null) ?? null,
    cancellationReason: (row['cancellation_reason'] as string | null) ?? null,
    paused: (row['paused'] as PausedDetails | null) ?? null,
    limitConcurrent: row['limit_concurrent'] === true,
    maxConcurrentExecutions: Number(row['max_concurrent_executions'] ?? 0),
    keepWaitingPipelines: row['keep_waiting_pipelines'] === true,
    parentExecutionId: (row['parent_execution_id'] as string | null) ?? null,
    parentStageId: (row['parent_stage_id'] as string | null) ?? null,
    spec: (row['spec'] as Record<string, unknown>) ?? {},
    stages: stageRows.map(toStage),
  };
}

function toStage(r: Row): Stage {
  const tasks = (r['task_rows'] as Row[] | null) ?? [];
  return {
    id: String(r['id']),
    refId: String(r['ref_id']),
    type: String(r['type']),
    name: String(r['name']),
    status: r['status'] as ExecutionStatus,
    initialContext: (r['initial_context'] as Record<string, unknown>) ?? {},
    context: (r['context'] as Record<string, unknown>) ?? {},
    outputs: (r['outputs'] as Record<string, unknown>) ?? {},
    requisiteStageRefIds: (r['requisite_stage_ref_ids'] as string[]) ?? [],
    parentStageId: (r['parent_stage_id'] as string | null) ?? null,
    syntheticStageOwner: (r['synthetic_stage_owner'] as Stage['syntheticStageOwner']) ?? null,
    startTime: ms(r['start_time']),
    endTime: ms(r['end_time']),
    pausedMs: Number(r['paused_ms'] ?? 0),
    error: (r['error'] as StageError | null) ?? null,
    seq: Number(r['seq']),
    failureHandled: r['failure_handled'] === true,
    lastModified: (r['last_modified'] as Stage['lastModified']) ?? null,
    tasks: tasks.map((t) => ({
      id: String(t['id']),
      name: String(t['name']),
      type: String(t['type']),
      status: t['status'] as ExecutionStatus,
      startTime: ms(t['start_time']),
      endTime: ms(t['end_time']),
      attempts: Number(t['attempts'] ?? 0),
      pausedMs: Number(t['paused_ms'] ?? 0),
      lastError: (t['last_error'] as string | null) ?? null,
    })),
  };
}
