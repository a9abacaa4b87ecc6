import { preparedQuery, type OutboxMessage } from '@gennaker/persistence';
import type { EntityManager } from 'typeorm';

/**
 * The StartExecution messages of executions started in the caller's transaction. ExecutionService
 * stores them as dispatched when a caller provides the transaction, so the caller must queue them
 * after commit (or the repair sweep finds them only after its grace period).
 */
export async function startMessagesOf(m: EntityManager, executionIds: string[]): Promise<OutboxMessage[]> {
  if (executionIds.length === 0) return [];
  const rows = await preparedQuery(
    m,
    `SELECT id, execution_id, type, queue, payload, deliver_at FROM outbox WHERE execution_id = ANY($1) AND type = 'StartExecution'`,
    [executionIds],
  );
  return rows.map((r) => ({
    id: String(r['id']),
    executionId: String(r['execution_id']),
    type: String(r['type']),
    queue: String(r['queue']),
    payload: r['payload'] as Record<string, unknown>,
    deliverAt: new Date(r['deliver_at'] as string).getTime(),
  }));
}
