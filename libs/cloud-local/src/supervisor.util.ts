/** Instance states kept by the local host. */
export type InstanceState = 'starting' | 'up' | 'down' | 'crashed' | 'stopping';

export interface InstanceView {
  id: string;
  state: InstanceState;
  launchedAt: number;
  restarts: number;
}

/** Restart delay after the n-th consecutive crash: 0.5 s, 1 s, 2 s ... at most 30 s. */
export function restartDelayMs(restarts: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, restarts - 1));
}

/** A process that stayed up this long is not crash-looping any more: its restart count resets. */
export const STABLE_AFTER_MS = 30_000;
/** Consecutive crashes after which a group's instance is reported as crash-looping. */
export const CRASH_LOOP_AFTER = 3;

/**
 * Which instances to start and stop so a group has `desired` (not counting those already
 * stopping). Scale-in stops the least useful first: crashed, down, starting, then the newest up.
 */
export function planScale(instances: readonly InstanceView[], desired: number): { start: number; stop: string[] } {
  const live = instances.filter((i) => i.state !== 'stopping');
  if (live.length < desired) return { start: desired - live.length, stop: [] };
  if (live.length === desired) return { start: 0, stop: [] };
  const rank: Record<InstanceState, number> = { crashed: 0, down: 1, starting: 2, up: 3, stopping: 4 };
  const order = [...live].sort((a, b) => rank[a.state] - rank[b.state] || b.launchedAt - a.launchedAt);
  return { start: 0, stop: order.slice(0, live.length - desired).map((i) => i.id) };
}

export interface HealthInput {
  state: InstanceState;
  ok: boolean;
  /** Failures in a row before this check. */
  failures: number;
  startedAt: number;
  gracePeriodMs: number;
  now: number;
  detail: string;
}

/**
 * An instance's state after one HTTP check: up on the first success; an up instance goes down
 * after 2 failures in a row; a starting one is down once its grace period is over.
 */
export function afterHealthCheck(h: HealthInput): { state: InstanceState; failures: number; reason: string | null } {
  if (h.state !== 'starting' && h.state !== 'up' && h.state !== 'down') return { state: h.state, failures: h.failures, reason: null };
  if (h.ok) return { state: 'up', failures: 0, reason: null };
  const failures = h.failures + 1;
  if (h.state === 'up') return failures >= 2 ? { state: 'down', failures, reason: h.detail } : { state: 'up', failures, reason: null };
  if (h.state === 'starting') {
    return h.now - h.startedAt > h.gracePeriodMs
      ? { state: 'down', failures, reason: `no successful health check within ${Math.round(h.gracePeriodMs / 1000)} s: ${h.detail}` }
      : { state: 'starting', failures, reason: h.detail };
  }
  return { state: 'down', failures, reason: h.detail };
}
