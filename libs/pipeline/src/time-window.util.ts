import { pointer, type ErrorDetail } from '@gennaker/common';
import { isRecord, own, ownArray, shortQuote, stageLabel, type JsonRecord } from './document.util';

const zoneValidity = new Map<string, boolean>();

/** Whether the runtime knows an IANA time zone (Intl throws a RangeError on an unknown one). */
function isKnownTimeZone(zone: string): boolean {
  let known = zoneValidity.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    // Bounded: hostile input must not grow the cache without end.
    if (zoneValidity.size < 1000) zoneValidity.set(zone, known);
  }
  return known;
}

/** An execution window's time zone must be one the engine can compute local times in. */
export function checkTimeWindows(doc: JsonRecord): ErrorDetail[] {
  const stages = ownArray(doc, 'stages');
  const errors: ErrorDetail[] = [];
  stages.forEach((stage, i) => {
    const window = isRecord(stage) ? own(stage, 'restrictedExecutionWindow') : undefined;
    const zone = isRecord(window) ? own(window, 'timeZone') : undefined;
    if (typeof zone !== 'string' || isKnownTimeZone(zone)) return;
    errors.push({
      pointer: pointer('stages', i, 'restrictedExecutionWindow', 'timeZone'),
      message: `time zone ${shortQuote(zone)} of ${stageLabel(stages, i)} is not a known IANA time zone`,
    });
  });
  return errors;
}
