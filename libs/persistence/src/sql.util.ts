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
