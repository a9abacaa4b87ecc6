import { describe, expect, it } from 'vitest';
import type { CanaryConfig } from './canary-config';
import { parseCanaryConfig, validateCanaryConfig, validateScoreThresholds } from './canary-config-validation.util';

const SOURCES = ['prometheus', 'cloudwatch', 'local'];

function validConfig(): CanaryConfig {
  return {
    name: 'checkout-canary',
    applications: ['checkout'],
    description: 'latency and errors',
    metrics: [
      {
        name: 'p99-latency',
        query: { type: 'prometheus', expr: 'histogram_quantile(0.99, rate(http_duration_seconds_bucket[1m]))' },
        groups: ['latency'],
        analysisConfigurations: {
          canary: { direction: 'increase', nanStrategy: 'remove', critical: true, effectSize: { allowedIncrease: 1.1, criticalIncrease: 1.5 }, outliers: { strategy: 'remove', outlierFactor: 3 } },
        },
        scopeName: 'default',
      },
      {
        name: 'errors',
        query: { type: 'cloudwatch', metricName: '5XXError' },
        groups: ['errors'],
        analysisConfigurations: { canary: { direction: 'increase', nanStrategy: 'replace', mustHaveData: true, dryRun: true, effectSize: { measure: 'cles', allowedIncrease: 0.8 } } },
      },
    ],
    classifier: { groupWeights: { latency: 60, errors: 40 }, scoreThresholds: { marginal: 75, pass: 95 } },
    judge: { name: 'NetflixACAJudge-v1.0', judgeConfigurations: {} },
    templates: {},
  };
}

function pointers(input: unknown): string[] {
  return validateCanaryConfig(input, SOURCES).errors.map((e) => e.pointer);
}

describe('validateCanaryConfig', () => {
  it('accepts a config in Kayenta\'s shape', () => {
    expect(validateCanaryConfig(validConfig(), SOURCES)).toEqual({ valid: true, errors: [] });
  });

  it('refuses a weight over 100 at its pointer', () => {
    const config = validConfig();
    config.classifier.groupWeights = { latency: 120, errors: -20 };
    const result = validateCanaryConfig(config, SOURCES);
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual({ pointer: '/classifier/groupWeights/latency', message: expect.stringMatching(/over 100/) });
    expect(result.errors).toContainEqual({ pointer: '/classifier/groupWeights/errors', message: expect.stringMatching(/negative/) });
  });

  it('refuses weights that do not add up to 100', () => {
    const config = validConfig();
    config.classifier.groupWeights = { latency: 60, errors: 30 };
    expect(validateCanaryConfig(config, SOURCES).errors).toEqual([
      { pointer: '/classifier/groupWeights', message: 'group weights must add up to 100; they add up to 90' },
    ]);
  });

  it('accepts thirds written with decimals', () => {
    const config = validConfig();
    config.metrics[1] = { ...config.metrics[1]!, groups: ['errors', 'saturation'] };
    config.classifier.groupWeights = { latency: 33.33, errors: 33.33, saturation: 33.34 };
    expect(validateCanaryConfig(config, SOURCES).valid).toBe(true);
  });

  it('refuses an unknown metric source and names the known ones', () => {
    const config = validConfig();
    config.metrics[1] = { ...config.metrics[1]!, query: { type: 'datadog', q: 'avg:errors' } };
    const result = validateCanaryConfig(config, SOURCES);
    expect(result.errors).toEqual([
      { pointer: '/metrics/1/query/type', message: 'unknown metric source "datadog"; known sources: prometheus, cloudwatch, local' },
    ]);
  });

  it('refuses marginal above pass, in the config and on its own', () => {
    const config = validConfig();
    config.classifier.scoreThresholds = { marginal: 90, pass: 80 };
    expect(validateCanaryConfig(config, SOURCES).errors).toEqual([
      { pointer: '/classifier/scoreThresholds/marginal', message: 'marginal (90) must not be above pass (80)' },
    ]);
    expect(validateScoreThresholds({ marginal: 90, pass: 80 }).errors.map((e) => e.pointer)).toEqual(['/marginal']);
    expect(validateScoreThresholds({ marginal: 75, pass: 75 }).valid).toBe(true);
    expect(validateScoreThresholds({ marginal: -1, pass: 101 }, '/scoreThresholds').errors.map((e) => e.pointer)).toEqual([
      '/scoreThresholds/marginal',
      '/scoreThresholds/pass',
    ]);
    expect(validateScoreThresholds('high').errors).toEqual([{ pointer: '', message: 'score thresholds must be an object with marginal and pass' }]);
  });

  it('refuses an empty metric list', () => {
    const config = { ...validConfig(), metrics: [], classifier: { groupWeights: {} } };
    expect(validateCanaryConfig(config, SOURCES).errors).toContainEqual({ pointer: '/metrics', message: 'a canary config needs at least one metric' });
  });

  it('refuses a metric group without a weight', () => {
    const config = validConfig();
    config.metrics[0] = { ...config.metrics[0]!, groups: ['latency', 'saturation'] };
    expect(pointers(config)).toEqual(['/metrics/0/groups/1']);
  });

  it('refuses a weight for a group no metric uses (its share could never be earned)', () => {
    const config = validConfig();
    config.classifier.groupWeights = { latency: 50, errors: 30, saturation: 20 };
    expect(pointers(config)).toEqual(['/classifier/groupWeights/saturation']);
  });

  it('refuses bad analysis settings, each at its own pointer', () => {
    const input = JSON.parse(JSON.stringify(validConfig())) as Record<string, unknown> & { metrics: Array<Record<string, unknown>> };
    input.metrics[0]!['analysisConfigurations'] = {
      canary: { direction: 'up', nanStrategy: 'zero', critical: 'yes', effectSize: { allowedIncrease: -1, measure: 'ratio' }, outliers: { strategy: 'drop', outlierFactor: 0 } },
    };
    input.metrics[1]!['analysisConfigurations'] = { canary: { effectSize: { measure: 'cles', allowedIncrease: 1.5 } } };
    expect(pointers(input)).toEqual([
      '/metrics/0/analysisConfigurations/canary/direction',
      '/metrics/0/analysisConfigurations/canary/nanStrategy',
      '/metrics/0/analysisConfigurations/canary/critical',
      '/metrics/0/analysisConfigurations/canary/effectSize/measure',
      '/metrics/0/analysisConfigurations/canary/effectSize/allowedIncrease',
      '/metrics/0/analysisConfigurations/canary/outliers/strategy',
      '/metrics/0/analysisConfigurations/canary/outliers/outlierFactor',
      '/metrics/1/analysisConfigurations/canary/effectSize/allowedIncrease',
    ]);
  });

  it('refuses duplicate metric names and missing parts', () => {
    const config = validConfig();
    config.metrics[1] = { ...config.metrics[1]!, name: 'p99-latency' };
    const result = validateCanaryConfig(config, SOURCES);
    expect(result.errors).toEqual([{ pointer: '/metrics/1/name', message: 'duplicate metric name "p99-latency" (first at /metrics/0)' }]);
    expect(pointers({ metrics: [{}] })).toEqual(['/name', '/classifier', '/metrics/0/name', '/metrics/0/query', '/metrics/0/groups']);
    expect(pointers([])).toEqual(['']);
    expect(pointers({ ...validConfig(), name: 'has spaces' })).toEqual(['/name']);
  });

  it('escapes group names in pointers (RFC 6901)', () => {
    const config = validConfig();
    config.metrics[0] = { ...config.metrics[0]!, groups: ['a/b~c'] };
    config.classifier.groupWeights = { 'a/b~c': 60, errors: 50 };
    expect(validateCanaryConfig(config, SOURCES).errors.map((e) => e.pointer)).toEqual(['/classifier/groupWeights']);
    config.classifier.groupWeights = { 'a/b~c': 160, errors: -60 };
    expect(pointers(config)).toContain('/classifier/groupWeights/a~1b~0c');
  });

  it('parseCanaryConfig returns the typed config or the errors', () => {
    const ok = parseCanaryConfig(validConfig(), SOURCES);
    expect(ok.ok && ok.config.metrics).toHaveLength(2);
    const bad = parseCanaryConfig({}, SOURCES);
    expect(bad.ok).toBe(false);
  });
});
