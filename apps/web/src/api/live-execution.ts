import type { Execution } from '@gennaker/api-client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { executionEventsUrl } from './client';
import { keys } from './queries';

export type LiveState = 'connecting' | 'live' | 'complete' | 'reconnecting';

/**
 * Keeps the cached execution current through the API's server-sent events: `snapshot` carries the
 * whole execution (sent first, then after each burst of status changes), `complete` ends the stream.
 * EventSource reconnects by itself; the next snapshot repairs anything missed meanwhile. A new
 * `epoch` opens a new stream (after a restart of a finished execution, whose stream had ended).
 */
export function useLiveExecution(id: string, epoch = 0): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    setState('connecting');
    const source = new EventSource(executionEventsUrl(id));
    let done = false;
    source.addEventListener('snapshot', (ev) => {
      const e = JSON.parse((ev as MessageEvent<string>).data) as Execution;
      qc.setQueryData(keys.execution(id), e);
      if (!done) setState('live');
    });
    source.addEventListener('complete', () => {
      done = true;
      setState('complete');
      source.close();
    });
    source.onerror = () => {
      if (!done) setState('reconnecting');
    };
    return () => source.close();
  }, [id, qc, epoch]);
  return state;
}
