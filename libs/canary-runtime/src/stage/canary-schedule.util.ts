// The intervals of a canary, as Orca's RunCanaryIntervalsStage plans them (checked against its
// test vectors): `lifetime / interval` intervals (an interval longer than the lifetime is the
// lifetime); interval i (from 1) ends at `start + warmup + i * interval` and starts at
// `start + warmup`, so each judges everything since the analysis began, or only the last
// `lookback` when one is set. Retrospective canaries take start and end from the scope and
// have no warm-up.

import { DEFAULT_STEP_MS } from './canary-stage-context.util';

export interface CanaryWindow {
  /** From 0. */
  index: number;
  start: number;
  end: number;
}

export interface ScheduleInput {
  /** realTime: when the analysis starts (now); retrospective: the scope's start. */
  start: number;
  /** realTime: the lifetime; retrospective: end - start. */
  lifetimeMs: number;
  intervalMs: number | null;
  warmupMs: number;
  lookbackMs: number | null;
}

export function canaryWindows(input: ScheduleInput): CanaryWindow[] {
  const lifetime = input.lifetimeMs;
  if (!(lifetime > 0)) return [];
  const interval = input.intervalMs !== null && input.intervalMs > 0 && input.intervalMs < lifetime ? input.intervalMs : lifetime;
  const count = Math.max(1, Math.floor(lifetime / interval));
  const base = input.start + input.warmupMs;
  const windows: CanaryWindow[] = [];
  for (let i = 1; i <= count; i++) {
    const end = base + i * interval;
    const start = input.lookbackMs !== null && input.lookbackMs > 0 ? Math.max(input.start, end - input.lookbackMs) : base;
    windows.push({ index: i - 1, start, end });
  }
  return windows;
}

/**
 * The step of a scope: as given, else Kayenta's 60 s, or a tenth of the interval (whole seconds,
 * at least 1 s) when that would leave fewer than 10 points per interval.
 */
export function defaultStepMs(intervalMs: number): number {
  if (intervalMs >= 10 * DEFAULT_STEP_MS) return DEFAULT_STEP_MS;
  return Math.max(1000, Math.floor(intervalMs / 10 / 1000) * 1000);
}
