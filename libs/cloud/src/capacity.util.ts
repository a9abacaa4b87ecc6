import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { Capacity } from './provider.port';

/** A value still holding an expression is checked when the stage runs, not at validate time. */
export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

function asCount(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/**
 * Checks a `{min, max, desired}` capacity; `partial` lets keys be absent (a resize that only sets
 * desired). Pointers are below `base`.
 */
export function capacityErrors(v: unknown, base: string, options: { partial?: boolean } = {}): ErrorDetail[] {
  if (!isPlainObject(v)) return [{ pointer: base, message: 'capacity must be an object {min, max, desired}' }];
  const errors: ErrorDetail[] = [];
  const values: Partial<Record<'min' | 'max' | 'desired', number>> = {};
  for (const key of ['min', 'max', 'desired'] as const) {
    const raw = v[key];
    if (raw === undefined || raw === null) {
      if (!options.partial) errors.push({ pointer: `${base}/${key}`, message: `${key} is required` });
      continue;
    }
    if (isExpression(raw)) continue;
    const n = asCount(raw);
    if (n === undefined || !Number.isInteger(n) || n < 0) errors.push({ pointer: `${base}/${key}`, message: `${key} must be an integer >= 0` });
    else values[key] = n;
  }
  const { min, max, desired } = values;
  if (min !== undefined && max !== undefined && min > max) errors.push({ pointer: `${base}/min`, message: `min (${min}) must not exceed max (${max})` });
  if (desired !== undefined && max !== undefined && desired > max) errors.push({ pointer: `${base}/desired`, message: `desired (${desired}) must not exceed max (${max})` });
  if (desired !== undefined && min !== undefined && desired < min) errors.push({ pointer: `${base}/desired`, message: `desired (${desired}) must not be below min (${min})` });
  return errors;
}

/** Reads a full capacity, throwing an InputError with pointers below `base`. */
export function readCapacity(v: unknown, base: string): Capacity {
  const errors = capacityErrors(v, base);
  if (errors.length > 0) throw new InputError(`invalid capacity: ${errors.map((e) => e.message).join('; ')}`, errors);
  const c = v as Record<string, unknown>;
  return { min: asCount(c['min']) as number, max: asCount(c['max']) as number, desired: asCount(c['desired']) as number };
}

export const RESIZE_ACTIONS = ['scale_exact', 'scale_up', 'scale_down', 'scale_to_cluster'] as const;

/**
 * A resizeServerGroup stage's new capacity from the current one (Orca's ResizeStrategy):
 * `scale_exact` with `capacity` (absent keys keep their value), `scale_up` / `scale_down` by
 * `scaleNum` instances (`resizeType: incr`) or `scalePct` percent (`resizeType: pct`). Max grows and
 * min shrinks as needed so the result is always consistent.
 */
export function resizedCapacity(current: Capacity, ctx: Record<string, unknown>): Capacity {
  const action = ctx['action'] ?? 'scale_exact';
  if (action === 'scale_exact' || action === undefined) {
    const errors = capacityErrors(ctx['capacity'] ?? {}, '/capacity', { partial: true });
    if (errors.length > 0) throw new InputError(`invalid capacity: ${errors.map((e) => e.message).join('; ')}`, errors);
    const c = (ctx['capacity'] ?? {}) as Record<string, unknown>;
    const next: Capacity = {
      min: asCount(c['min']) ?? current.min,
      max: asCount(c['max']) ?? current.max,
      desired: asCount(c['desired']) ?? current.desired,
    };
    if (c['desired'] === undefined) next.desired = Math.min(Math.max(next.desired, next.min), next.max);
    if (next.min > next.max || next.desired < next.min || next.desired > next.max) {
      throw new InputError(`the resulting capacity ${JSON.stringify(next)} is inconsistent (min <= desired <= max)`, [
        { pointer: '/capacity', message: 'min <= desired <= max must hold after the resize' },
      ]);
    }
    return next;
  }
  if (action === 'scale_up' || action === 'scale_down') {
    const type = ctx['resizeType'] ?? (ctx['scalePct'] !== undefined ? 'pct' : 'incr');
    let delta: number;
    if (type === 'pct') {
      const pct = asCount(ctx['scalePct']);
      if (pct === undefined) throw new InputError('scalePct must be a whole percentage', [{ pointer: '/scalePct', message: 'required for resizeType pct' }]);
      delta = Math.ceil((current.desired * pct) / 100);
    } else if (type === 'incr') {
      const n = asCount(ctx['scaleNum']);
      if (n === undefined) throw new InputError('scaleNum must be a whole number of instances', [{ pointer: '/scaleNum', message: 'required for resizeType incr' }]);
      delta = n;
    } else {
      throw new InputError(`unknown resizeType ${JSON.stringify(type)}`, [{ pointer: '/resizeType', message: 'must be pct or incr' }]);
    }
    if (action === 'scale_up') {
      const desired = current.desired + delta;
      return { min: current.min, max: Math.max(current.max, desired), desired };
    }
    const desired = Math.max(0, current.desired - delta);
    return { min: Math.min(current.min, desired), max: current.max, desired };
  }
  throw new InputError(`resize action ${JSON.stringify(action)} is not supported`, [{ pointer: '/action', message: 'must be scale_exact, scale_up or scale_down' }]);
}
