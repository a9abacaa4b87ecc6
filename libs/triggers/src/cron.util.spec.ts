import { describe, expect, it } from 'vitest';
import { CronError, nextTick, nextTicks, parseCron } from './cron.util';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseCron', () => {
  it('reads 5 fields as standard cron and 6-7 as Quartz', () => {
    expect(parseCron('*/5 * * * *').syntax).toBe('standard');
    expect(parseCron('0 0/5 * * * ?').syntax).toBe('quartz');
    expect(parseCron('0 0 12 ? * MON-FRI 2030').syntax).toBe('quartz');
  });
  it.each(['', 'every minute', '* * * *', '0 0 0 0 0 0 0 0', '61 * * * * ?', '0 0 25 * * ?'])('refuses %j', (e) => {
    expect(() => parseCron(e)).toThrow(CronError);
  });
  it('refuses unknown time zones', () => {
    expect(() => parseCron('* * * * *', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('ticks', () => {
  it('Quartz weekdays count from Sunday = 1; standard ones from Sunday = 0', () => {
    // 2025-01-01 is a Wednesday.
    expect(iso(nextTick(parseCron('0 0 12 ? * 2'), at('2025-01-01T00:00:00Z')))).toBe('2025-01-06T12:00:00.000Z'); // Monday
    expect(iso(nextTick(parseCron('0 12 * * 2'), at('2025-01-01T00:00:00Z')))).toBe('2025-01-07T12:00:00.000Z'); // Tuesday
  });
  it('understands L, W and # as Quartz does', () => {
    expect(iso(nextTick(parseCron('0 0 12 ? * 6L'), at('2025-01-01T00:00:00Z')))).toBe('2025-01-31T12:00:00.000Z'); // last Friday
    expect(iso(nextTick(parseCron('0 0 9 15W * ?'), at('2025-03-01T00:00:00Z')))).toBe('2025-03-14T09:00:00.000Z'); // Sat 15th -> Fri 14th
    expect(iso(nextTick(parseCron('0 30 10 ? * 2#1'), at('2025-02-01T00:00:00Z')))).toBe('2025-02-03T10:30:00.000Z'); // first Monday
    expect(iso(nextTick(parseCron('0 0 0 L * ?'), at('2025-02-01T00:00:00Z')))).toBe('2025-02-28T00:00:00.000Z');
  });
  it('honours seconds and the time zone, across a DST change', () => {
    expect(nextTicks(parseCron('*/5 * * * * ?'), at('2025-01-01T00:00:00Z'), 3).map(iso)).toEqual(['2025-01-01T00:00:05.000Z', '2025-01-01T00:00:10.000Z', '2025-01-01T00:00:15.000Z']);
    // 09:00 in Paris is 08:00Z in winter and 07:00Z in summer (DST from 2025-03-30).
    expect(iso(nextTick(parseCron('0 9 * * *', 'Europe/Paris'), at('2025-03-29T12:00:00Z')))).toBe('2025-03-30T07:00:00.000Z');
    expect(iso(nextTick(parseCron('0 9 * * *', 'Europe/Paris'), at('2025-03-28T12:00:00Z')))).toBe('2025-03-29T08:00:00.000Z');
  });
  it('a standard expression with day and weekday fires on either (Vixie cron)', () => {
    // 1st of the month or Mondays; 2025-02-01 is a Saturday.
    expect(nextTicks(parseCron('0 0 1 * 1'), at('2025-01-31T12:00:00Z'), 2).map(iso)).toEqual(['2025-02-01T00:00:00.000Z', '2025-02-03T00:00:00.000Z']);
  });
});
