import type { RestrictedExecutionWindow } from '@gennaker/pipeline';

interface LocalTime {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  minuteOfDay: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(epochMs: number, timeZone: string): LocalTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, fmt);
  }
  let weekday = 1;
  let hour = 0;
  let minute = 0;
  for (const part of fmt.formatToParts(new Date(epochMs))) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 1;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minuteOfDay: hour * 60 + minute };
}

/** Throws a RangeError for an unknown zone, so validation can say so. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

export function isInWindow(window: RestrictedExecutionWindow, epochMs: number): boolean {
  const zone = window.timeZone ?? 'UTC';
  const { weekday, minuteOfDay } = localTime(epochMs, zone);
  const days = window.days && window.days.length > 0 ? window.days : [1, 2, 3, 4, 5, 6, 7];
  const ranges = window.whitelist && window.whitelist.length > 0 ? window.whitelist : [{ startHour: 0, startMin: 0, endHour: 24, endMin: 0 }];
  for (const r of ranges) {
    const start = r.startHour * 60 + r.startMin;
    const end = r.endHour * 60 + r.endMin;
    if (end > start) {
      if (days.includes(weekday) && minuteOfDay >= start && minuteOfDay < end) return true;
    } else {
      // Wraps past midnight: the evening part belongs to the start day, the morning to the next.
      const previousDay = weekday === 1 ? 7 : weekday - 1;
      if (days.includes(weekday) && minuteOfDay >= start) return true;
      if (days.includes(previousDay) && minuteOfDay < end) return true;
    }
  }
  return false;
}

/**
 * When the window next opens at or after `epochMs` (the time itself when inside it), or null when
 * it never opens within 8 days (an empty or impossible window).
 */
export function nextWindowStart(window: RestrictedExecutionWindow, epochMs: number): number | null {
  if (isInWindow(window, epochMs)) return epochMs;
  const minute = 60_000;
  let t = Math.ceil(epochMs / minute) * minute;
  const limit = epochMs + 8 * 24 * 60 * minute;
  for (; t <= limit; t += minute) {
    if (isInWindow(window, t)) return t;
  }
  return null;
}
