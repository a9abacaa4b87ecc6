import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

/**
 * TypeORM's `query()` answers UPDATE/DELETE ... RETURNING with `[rows, affectedCount]` but
 * SELECT/INSERT with `rows`; this returns the rows either way.
 */
export function returnedRows(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as Array<Record<string, unknown>>;
  }
  return (result as Array<Record<string, unknown>>) ?? [];
}

const statementNames = new Map<string, string>();

/** A prepared statement's name: the same for the same text in every process and connection. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `gk_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Uses of each statement on a connection, and the generation it is prepared under there. */
const usesByConnection = new WeakMap<PoolClient, Map<string, { uses: number; generation: number }>>();
/** A connection prepares a statement again after this many uses, then after twice as many each time. */
const FIRST_REPLAN = 32;

/**
 * The name a statement goes by on this connection. Postgres keeps the generic plan it chose after a
 * statement's first runs on a connection until the tables' statistics change (ANALYZE, which
 * autovacuum runs): a plan chosen on a new database (a sequential scan of a ten-page table) would
 * stay, scanning the whole table on every run, long after it holds thousands of executions (with
 * autovacuum off, for good). So after 32, 64, 128... uses the statement is prepared again under
 * a new name, planned against the tables as they are by then, and the old one deallocated.
 */
function nameOn(client: PoolClient, text: string): string {
  let uses = usesByConnection.get(client);
  if (!uses) {
    uses = new Map();
    usesByConnection.set(client, uses);
  }
  let entry = uses.get(text);
  if (!entry) {
    entry = { uses: 0, generation: 0 };
    uses.set(text, entry);
  }
  entry.uses++;
  const base = statementName(text);
  const named = (generation: number): string => (generation === 0 ? base : `${base}_${generation}`);
  if (entry.uses === FIRST_REPLAN * 2 ** entry.generation) {
    const old = named(entry.generation);
    // Only a statement the server did prepare (failing, DEALLOCATE would abort the caller's
    // transaction). Queued on the connection before the statement that follows.
    const parsed = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
    if (parsed?.[old] !== undefined) {
      delete parsed[old];
      void client.query(`DEALLOCATE ${old}`).catch(() => undefined);
    }
    entry.generation++;
  }
  return named(entry.generation);
}

/**
 * Runs a statement of the engine's hot path as a named prepared statement on the manager's
 * connection (its transaction, or any pooled connection): Postgres parses and plans it once per
 * connection instead of every time, which was over half of its CPU per execution. `text` must be
 * one of a fixed set of texts (never built from values), since each connection keeps every
 * statement it prepared. Returns the rows, RETURNING ones included.
 */
export async function preparedQuery(m: EntityManager, text: string, values: unknown[]): Promise<Row[]> {
  const runner = m.queryRunner;
  if (runner) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query({ name: nameOn(client, text), text, values })).rows as Row[];
  }
  const pool = (m.connection.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  try {
    const rows = (await client.query({ name: nameOn(client, text), text, values })).rows as Row[];
    client.release();
    return rows;
  } catch (err) {
    // As pool.query does: a connection that failed a statement is not handed out again.
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}
