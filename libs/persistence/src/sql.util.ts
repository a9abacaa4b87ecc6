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

/**
 * Runs a statement of the engine's hot path as a named prepared statement on the manager's
 * connection (its transaction, or any pooled connection): Postgres parses and plans it once per
 * connection instead of every time, which was over half of its CPU per execution. `text` must be
 * one of a fixed set of texts (never built from values), since each connection keeps every
 * statement it prepared. Returns the rows, RETURNING ones included.
 */
export async function preparedQuery(m: EntityManager, text: string, values: unknown[]): Promise<Row[]> {
  const config = { name: statementName(text), text, values };
  const runner = m.queryRunner;
  if (runner) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query(config)).rows as Row[];
  }
  const pool = (m.connection.driver as unknown as { master: Pool }).master;
  return (await pool.query(config)).rows as Row[];
}
