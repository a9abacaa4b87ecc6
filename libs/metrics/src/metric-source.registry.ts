import { validateCanaryConfig, type CanaryConfig, type ValidationResult } from '@gennaker/canary';
import { isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { MetricSource } from './metric-source.port';

/**
 * The metric sources of an installation by `query.type`, built once at start-up: refuses two
 * sources of one type. Checks canary configs against the sources it has.
 */
export class MetricSourceRegistry {
  private readonly byType = new Map<string, MetricSource>();

  constructor(sources: readonly MetricSource[]) {
    for (const s of sources) {
      if (this.byType.has(s.type)) throw new Error(`two metric sources of type "${s.type}"`);
      this.byType.set(s.type, s);
    }
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  get(type: string): MetricSource | undefined {
    return this.byType.get(type);
  }

  /**
   * A canary config in Kayenta's shape (see @gennaker/canary's validateCanaryConfig: weights,
   * thresholds, groups, an empty metric list, an unknown source...) plus each query as its source
   * reads it. Pointers are relative to the config; `base` prefixes them (`/config` in a judge request).
   */
  validateConfig(input: unknown, base = ''): ValidationResult {
    const errors: ErrorDetail[] = [...validateCanaryConfig(input, this.types()).errors];
    if (isPlainObject(input) && Array.isArray(input['metrics'])) {
      const templates = isPlainObject(input['templates']) ? input['templates'] : {};
      input['metrics'].forEach((metric: unknown, i) => {
        if (!isPlainObject(metric) || !isPlainObject(metric['query'])) return;
        const query = metric['query'];
        const source = typeof query['type'] === 'string' ? this.byType.get(query['type']) : undefined;
        if (!source) return; // reported above as an unknown source
        for (const e of source.validateQuery(query, { templates })) errors.push({ pointer: `/metrics/${i}/query${e.pointer}`, message: e.message });
      });
    }
    const rebased = errors.map((e) => ({ pointer: `${base}${e.pointer}`, message: e.message }));
    return { valid: rebased.length === 0, errors: rebased };
  }

  /** How long after an interval ends its data is complete: the slowest source the config uses. */
  readyDelayMs(config: CanaryConfig): number {
    let delay = 0;
    for (const m of config.metrics) {
      const type = m.query['type'];
      const source = typeof type === 'string' ? this.byType.get(type) : undefined;
      if (source) delay = Math.max(delay, source.readyDelayMs);
    }
    return delay;
  }
}
