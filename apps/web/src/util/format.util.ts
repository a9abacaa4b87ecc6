/** "4s", "2m 05s", "1h 02m": a duration for status bars and timelines. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function toMs(t: string | number | null | undefined): number | null {
  if (t === null || t === undefined || t === '') return null;
  const n = typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(n) ? n : null;
}

/** Duration of something that started and may not have ended (then until `now`). */
export function elapsed(start: string | number | null | undefined, end: string | number | null | undefined, now = Date.now()): number | null {
  const s = toMs(start);
  if (s === null) return null;
  return (toMs(end) ?? now) - s;
}

export function formatTime(t: string | number | null | undefined): string {
  const ms = toMs(t);
  return ms === null ? '–' : new Date(ms).toLocaleString();
}
