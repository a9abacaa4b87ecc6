// Durations of the canary stage: Spinnaker writes them as numbers or numeric strings in the unit
// of the field's name (`canaryAnalysisIntervalMins: "30"`), `lifetimeDuration` as ISO-8601
// (`PT1H`). For canaries that run in seconds, every field also takes fractions (`0.25` min) and
// an ISO-8601 duration (`PT5S`) whatever its unit.

const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** ISO-8601 duration (days and time parts, fractions allowed) in ms; null when it is not one. */
export function parseIsoDuration(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return null;
  const [, d, h, min, s] = m;
  const ms = Number(d ?? 0) * 86_400_000 + Number(h ?? 0) * HOUR_MS + Number(min ?? 0) * MINUTE_MS + Number(s ?? 0) * SECOND_MS;
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

export type DurationReading = { ok: true; ms: number } | { ok: false; message: string };

/** A duration field: a number or numeric string in `unitMs`, or an ISO-8601 duration. */
export function readDuration(value: unknown, unitMs: number, unitName: string): DurationReading {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? { ok: true, ms: Math.round(value * unitMs) } : { ok: false, message: `must be a number of ${unitName} >= 0` };
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n >= 0 ? { ok: true, ms: Math.round(n * unitMs) } : { ok: false, message: `must be a number of ${unitName} >= 0` };
    const iso = parseIsoDuration(value);
    if (iso !== null) return { ok: true, ms: iso };
  }
  return { ok: false, message: `must be a number of ${unitName} (fractions allowed) or an ISO-8601 duration such as PT30S; got ${JSON.stringify(value)}` };
}

/** `1h 2m 3.5s` style, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', HOUR_MS], ['min', MINUTE_MS]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${Number((rest / 1000).toFixed(3))} s`);
  return parts.join(' ');
}
