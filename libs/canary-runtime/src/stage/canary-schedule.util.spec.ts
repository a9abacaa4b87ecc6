import { describe, expect, it } from 'vitest';
import { canaryWindows, defaultStepMs } from './canary-schedule.util';

const MIN = 60_000;

// Orca's RunCanaryIntervalsStageTest cases, as kept in /work/shared/reference/kayenta/vectors.json
// (`canaryIntervals`): start and end 240 minutes apart, windows in minutes from the start.
const ORCA_CASES = [
  { warmupMins: null, intervalMins: 60, lookbackMins: null, expected: [[0, 60], [0, 120], [0, 180], [0, 240]] },
  { warmupMins: null, intervalMins: null, lookbackMins: 120, expected: [[120, 240]] },
  { warmupMins: null, intervalMins: 60, lookbackMins: 60, expected: [[0, 60], [60, 120], [120, 180], [180, 240]] },
  { warmupMins: null, intervalMins: 300, lookbackMins: null, expected: [[0, 240]] },
];

describe('canary windows', () => {
  it.each(ORCA_CASES)('matches Orca: interval $intervalMins, lookback $lookbackMins', (c) => {
    const start = 1_700_000_000_000;
    const w = canaryWindows({ start, lifetimeMs: 240 * MIN, intervalMs: c.intervalMins === null ? null : c.intervalMins * MIN, warmupMs: (c.warmupMins ?? 0) * MIN, lookbackMs: c.lookbackMins === null ? null : c.lookbackMins * MIN });
    expect(w.map((x) => [(x.start - start) / MIN, (x.end - start) / MIN])).toEqual(c.expected);
    expect(w.map((x) => x.index)).toEqual(c.expected.map((_, i) => i));
  });

  it('starts after the warm-up, in seconds for short canaries', () => {
    const w = canaryWindows({ start: 0, lifetimeMs: 15_000, intervalMs: 5000, warmupMs: 2000, lookbackMs: null });
    expect(w).toEqual([
      { index: 0, start: 2000, end: 7000 },
      { index: 1, start: 2000, end: 12_000 },
      { index: 2, start: 2000, end: 17_000 },
    ]);
  });

  it('picks a step with enough points per interval', () => {
    expect(defaultStepMs(60 * MIN)).toBe(60_000);
    expect(defaultStepMs(5 * MIN)).toBe(30_000);
    expect(defaultStepMs(5000)).toBe(1000);
  });
});
