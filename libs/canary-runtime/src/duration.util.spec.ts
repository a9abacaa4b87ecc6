import { describe, expect, it } from 'vitest';
import { formatDuration, MINUTE_MS, parseIsoDuration, readDuration, SECOND_MS } from './duration.util';

describe('canary durations', () => {
  it('reads ISO-8601 durations, fractions included', () => {
    expect(parseIsoDuration('PT1H')).toBe(3_600_000);
    expect(parseIsoDuration('PT30S')).toBe(30_000);
    expect(parseIsoDuration('PT1.5M')).toBe(90_000);
    expect(parseIsoDuration('P1DT2H')).toBe(93_600_000);
    expect(parseIsoDuration('PT')).toBeNull();
    expect(parseIsoDuration('P')).toBeNull();
    expect(parseIsoDuration('1h')).toBeNull();
  });

  it('reads numbers and numeric strings in the field\'s unit, fractions for second-scale canaries, or ISO whatever the unit', () => {
    expect(readDuration(30, MINUTE_MS, 'minutes')).toEqual({ ok: true, ms: 1_800_000 });
    expect(readDuration('2', MINUTE_MS, 'minutes')).toEqual({ ok: true, ms: 120_000 });
    expect(readDuration(0.25, MINUTE_MS, 'minutes')).toEqual({ ok: true, ms: 15_000 });
    expect(readDuration('PT5S', MINUTE_MS, 'minutes')).toEqual({ ok: true, ms: 5000 });
    expect(readDuration(1, SECOND_MS, 'seconds')).toEqual({ ok: true, ms: 1000 });
  });

  it('refuses negatives and words, saying what it wants', () => {
    expect(readDuration(-1, MINUTE_MS, 'minutes')).toMatchObject({ ok: false, message: 'must be a number of minutes >= 0' });
    expect(readDuration('soon', MINUTE_MS, 'minutes')).toMatchObject({ ok: false, message: expect.stringContaining('ISO-8601 duration') });
    expect(readDuration(true, MINUTE_MS, 'minutes').ok).toBe(false);
  });

  it('formats durations for messages', () => {
    expect(formatDuration(500)).toBe('500 ms');
    expect(formatDuration(3_723_500)).toBe('1 h 2 min 3.5 s');
  });
});
