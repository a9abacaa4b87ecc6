import { CanaryJudgeInputError, DEFAULT_CONFIDENCE_LEVEL, judge, validateScoreThresholds, type CanaryConfig, type JudgeResult, type MetricData, type ScoreThresholds } from '@gennaker/canary';
import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { MetricSourceRegistry } from '@gennaker/metrics';
import { Inject, Injectable } from '@nestjs/common';
import type { CanaryConfigRepository } from '../store/canary-config.repository';
import { CANARY_CONFIG_REPOSITORY, METRIC_SOURCES } from '../tokens';

/**
 * A standalone judgment, as Kayenta offers: a config (inline, or the id of a stored one) and
 * control/experiment values per metric; no metric source is asked.
 */
@Injectable()
export class CanaryJudgeService {
  constructor(
    @Inject(CANARY_CONFIG_REPOSITORY) private readonly configs: CanaryConfigRepository,
    @Inject(METRIC_SOURCES) private readonly sources: MetricSourceRegistry,
  ) {}

  async judge(body: unknown): Promise<JudgeResult> {
    if (!isPlainObject(body)) throw new InputError('the body must be {config, confidenceLevel?, metrics: [{name, control, experiment}]}', [{ pointer: '', message: 'must be an object' }]);
    const errors: ErrorDetail[] = [];
    let config: CanaryConfig | null = null;
    const raw = body['config'];
    if (typeof raw === 'string') {
      const stored = await this.configs.byId(raw);
      if (!stored) errors.push({ pointer: '/config', message: `no canary config with id ${raw}` });
      else config = stored.config as unknown as CanaryConfig;
    } else if (isPlainObject(raw)) {
      const checked = this.sources.validateConfig(raw, '/config');
      if (checked.valid) config = raw as unknown as CanaryConfig;
      else errors.push(...checked.errors);
    } else {
      errors.push({ pointer: '/config', message: 'config is required: a canary config object, or the id of a stored one' });
    }
    const level = body['confidenceLevel'];
    let confidenceLevel = DEFAULT_CONFIDENCE_LEVEL;
    if (level !== undefined && level !== null) {
      if (typeof level !== 'number' || !(level > 0 && level < 1)) errors.push({ pointer: '/confidenceLevel', message: 'confidenceLevel must be a number strictly between 0 and 1 (default 0.98)' });
      else confidenceLevel = level;
    }
    let scoreThresholds: ScoreThresholds | undefined;
    if (body['scoreThresholds'] !== undefined && body['scoreThresholds'] !== null) {
      const t = validateScoreThresholds(body['scoreThresholds'], '/scoreThresholds');
      if (t.valid) scoreThresholds = body['scoreThresholds'] as ScoreThresholds;
      else errors.push(...t.errors);
    }
    if (!Array.isArray(body['metrics'])) errors.push({ pointer: '/metrics', message: 'metrics must be a list of {name, control: [numbers], experiment: [numbers]}' });
    if (errors.length > 0 || !config) throw new InputError(`invalid judge request: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`, errors);
    try {
      return judge(config, body['metrics'] as MetricData[], { confidenceLevel, ...(scoreThresholds ? { scoreThresholds } : {}) });
    } catch (err) {
      if (err instanceof CanaryJudgeInputError) throw new InputError(`invalid judge request: ${err.message}`, err.errors);
      throw err;
    }
  }
}
