import { Cron } from 'croner';

/**
 * Cron triggers accept what Spinnaker accepts: Quartz expressions (6 or 7 fields: seconds first, an
 * optional year last, weekdays 1=SUN..7=SAT, `?`, `L`, `W`, `#`) and standard 5-field cron
 * (minute first, weekdays 0=SUN..6=SAT, a day matching day-of-month OR day-of-week), each in a time zone.
 */
export interface CronSpec {
  expression: string;
  syntax: 'standard' | 'quartz';
  timeZone: string;
}

export class CronError extends Error {}

export function cronSyntaxOf(expression: string): 'standard' | 'quartz' {
  const fields = expression.trim().split(/\s+/).length;
  return fields <= 5 ? 'standard' : 'quartz';
}

// Highest value of each field, to spell Quartz's `start/step` (e.g. `0/5`) as `start-max/step`.
const QUARTZ_MAX = [59, 59, 23, 31, 12, 7, 9999];
const STANDARD_MAX = [59, 23, 31, 12, 7];

/** Rewrites what croner spells differently: `N/step` becomes `N-max/step`. */
export function toCronerPattern(expression: string, syntax: 'standard' | 'quartz'): string {
  if (expression.startsWith('@')) return expression;
  const max = syntax === 'quartz' ? QUARTZ_MAX : STANDARD_MAX;
  return expression
    .split(/\s+/)
    .map((field, i) => field.split(',').map((part) => part.replace(/^(\d+)\/(\d+)$/, (_m, start: string, step: string) => `${start}-${max[i] ?? 59}/${step}`)).join(','))
    .join(' ');
}

function build(spec: CronSpec): Cron {
  const quartz = spec.syntax === 'quartz';
  return new Cron(toCronerPattern(spec.expression.trim(), spec.syntax), {
    timezone: spec.timeZone,
    mode: quartz ? '6-or-7-parts' : '5-part',
    alternativeWeekdays: quartz,
    // Standard cron: a day matches day-of-month OR day-of-week (Vixie); Quartz needs `?` in one of them.
    domAndDow: false,
    paused: true,
  });
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses and checks an expression; throws CronError with a message fit for a 400. */
export function parseCron(expression: unknown, timeZone: unknown = 'UTC'): CronSpec {
  if (typeof expression !== 'string' || expression.trim() === '') throw new CronError('a cron expression is required');
  const fields = expression.trim().split(/\s+/).length;
  if (!expression.trim().startsWith('@') && (fields < 5 || fields > 7)) {
    throw new CronError(`"${expression}" has ${fields} fields; use 5 (standard: minute hour day month weekday) or 6-7 (Quartz: second minute hour day month weekday [year])`);
  }
  const tz = timeZone === undefined || timeZone === null || timeZone === '' ? 'UTC' : timeZone;
  if (typeof tz !== 'string' || !isTimeZone(tz)) throw new CronError(`unknown time zone ${JSON.stringify(tz)}; use an IANA name such as Europe/Paris`);
  const spec: CronSpec = { expression: expression.trim(), syntax: cronSyntaxOf(expression), timeZone: tz };
  let cron: Cron;
  try {
    cron = build(spec);
  } catch (err) {
    throw new CronError(`"${expression}" is not a valid ${spec.syntax} cron expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cron.nextRun(new Date()) === null) throw new CronError(`"${expression}" never fires`);
  return spec;
}

/** The first tick strictly after `afterMs`, or undefined when there is none. */
export function nextTick(spec: CronSpec, afterMs: number): number | undefined {
  const next = build(spec).nextRun(new Date(afterMs));
  return next ? next.getTime() : undefined;
}

export function nextTicks(spec: CronSpec, afterMs: number, count: number): number[] {
  return build(spec).nextRuns(count, new Date(afterMs)).map((d) => d.getTime());
}
