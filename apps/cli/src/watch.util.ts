import type { Execution } from '@gennaker/api-client';

export const FINAL = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED']);

/** 0 only for SUCCEEDED; 3 for CANCELED; 1 for every other end. */
export function exitCodeOf(status: string): number {
  if (status === 'SUCCEEDED') return 0;
  if (status === 'CANCELED') return 3;
  return 1;
}

interface SseEvent {
  event: string;
  data: string;
}

/** Splits a server-sent-events byte stream into events. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

type StageView = Execution['stages'][number];

function duration(s: StageView): string {
  if (!s.startTime || !s.endTime) return '';
  return ` (${((Date.parse(s.endTime) - Date.parse(s.startTime)) / 1000).toFixed(1)} s)`;
}

/**
 * Follows an execution over `GET /executions/{id}/events`, printing each stage whose status
 * changed; reconnects when the stream drops. Resolves with the final execution.
 */
export async function watchExecution(
  baseUrl: string,
  token: string | undefined,
  id: string,
  log: (line: string) => void,
  fetchExecution: () => Promise<Execution>,
): Promise<Execution> {
  const seen = new Map<string, string>();
  const topLevel = new Map<string, string>();
  const show = (e: Execution): void => {
    for (const s of [...e.stages].sort((a, b) => Date.parse(a.startTime ?? '') - Date.parse(b.startTime ?? ''))) {
      if (s.parentStageId) continue;
      topLevel.set(s.id, `${s.name} [${s.type}]`);
      if (seen.get(s.id) === s.status) continue;
      seen.set(s.id, s.status);
      if (s.status === 'NOT_STARTED') continue;
      log(`  ${s.status.padEnd(11)} ${s.name} [${s.type}]${duration(s)}${s.error ? `: ${s.error.message}` : ''}`);
    }
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    const abort = new AbortController();
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/v1/executions/${encodeURIComponent(id)}/events`, {
      signal: abort.signal,
      headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }).catch(() => null);
    if (res?.ok && res.body) {
      try {
        for await (const ev of sseEvents(res.body)) {
          if (ev.event === 'snapshot') {
            const e = JSON.parse(ev.data) as Execution;
            show(e);
            if (FINAL.has(e.status)) {
              abort.abort();
              return e;
            }
          } else if (ev.event === 'status' && stageChange(ev.data, topLevel, seen, log)) {
            // printed as it happened; the next snapshot adds durations and errors
          } else if (ev.event === 'complete' || (ev.event === 'status' && isFinalExecutionEvent(ev.data, id))) {
            const e = await fetchExecution();
            show(e);
            if (FINAL.has(e.status)) {
              abort.abort();
              return e;
            }
          }
        }
      } catch {
        // the stream dropped: reconnect below
      } finally {
        abort.abort();
      }
    }
    const e = await fetchExecution().catch(() => null);
    if (e && FINAL.has(e.status)) {
      show(e);
      return e;
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * (attempt + 1))));
  }
  return fetchExecution();
}

function isFinalExecutionEvent(data: string, id: string): boolean {
  try {
    const v = JSON.parse(data) as { kind?: string; executionId?: string; status?: string };
    return v.kind === 'execution' && v.executionId === id && FINAL.has(String(v.status));
  } catch {
    return false;
  }
}

/** A status event of a top-level stage: printed at once (live progress between snapshots). */
function stageChange(data: string, topLevel: Map<string, string>, seen: Map<string, string>, log: (line: string) => void): boolean {
  try {
    const v = JSON.parse(data) as { kind?: string; stageId?: string; status?: string };
    if (v.kind !== 'stage' || !v.stageId || !v.status) return false;
    const label = topLevel.get(v.stageId);
    if (!label) return false;
    if (seen.get(v.stageId) === v.status) return true;
    // A final status waits for the snapshot, which carries the duration and the error.
    if (FINAL.has(v.status)) return true;
    seen.set(v.stageId, v.status);
    log(`  ${v.status.padEnd(11)} ${label}`);
    return true;
  } catch {
    return false;
  }
}
