import type { Execution } from '@gennaker/engine';
import type { StoredOutboxMessage } from '@gennaker/persistence';
import { describe, expect, it } from 'vitest';
import { finishedHere, finishHere } from './local-finish';
import { addRuntimeHooks } from './runtime-hooks';

const execution = { id: 'e1', status: 'SUCCEEDED' } as unknown as Execution;
const message = (over: Partial<StoredOutboxMessage> = {}): StoredOutboxMessage => ({
  id: 'm1',
  executionId: 'e1',
  type: 'ExecutionFinished',
  queue: 'engine',
  payload: { type: 'ExecutionFinished', executionId: 'e1' },
  deliverAt: 1_000,
  dedupeKey: null,
  inserted: true,
  ...over,
});

function deps(listeners: Array<(e: Execution) => Promise<void>>) {
  const log: string[] = [];
  return {
    log,
    deps: {
      listeners,
      take: async (id: string) => log.push(`take ${id}`),
      requeue: async (m: StoredOutboxMessage) => {
        log.push(`requeue ${m.id}`);
      },
    },
  };
}

describe('finishHere', () => {
  it('calls every listener with the execution, then deletes the row, inside the job hooks', async () => {
    const seen: string[] = [];
    const jobs: string[] = [];
    const remove = addRuntimeHooks({ aroundJob: async (job, handle) => { jobs.push(`${job.queueName} ${job.name} ${job.data.outboxId}`); await handle(); } });
    try {
      const { log, deps: d } = deps([async (e) => void seen.push(`a ${e.id}`), async (e) => void seen.push(`b ${e.id}`)]);
      expect(await finishHere(message(), execution, d)).toBe('handled');
      expect(seen).toEqual(['a e1', 'b e1']);
      expect(log).toEqual(['take m1']);
      expect(jobs).toEqual(['engine ExecutionFinished m1']);
    } finally {
      remove();
    }
  });

  it('hands the message to the queue, row kept, when a listener fails', async () => {
    const { log, deps: d } = deps([async () => undefined, async () => { throw new Error('Redis down'); }]);
    expect(await finishHere(message(), execution, d)).toBe('requeued');
    expect(log).toEqual(['requeue m1']);
  });
});

describe('finishedHere', () => {
  it('picks only fresh, due finished messages of the execution itself', () => {
    const mine = message();
    const picked = finishedHere(
      [mine, message({ id: 'm2', type: 'RunTask' }), message({ id: 'm3', inserted: false }), message({ id: 'm4', executionId: 'other' }), message({ id: 'm5', deliverAt: 5_000 })],
      execution,
      2_000,
    );
    expect(picked).toEqual([mine]);
  });
});
