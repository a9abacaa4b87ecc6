import { describe, expect, it } from 'vitest';
import { convertCanaryConfig, looksLikeCanaryConfig } from './canary-config-conversion.util';
import atlas from './fixtures/export/kayenta-atlas-canary.json';
import prometheus from './fixtures/export/kayenta-helloagain-canary.json';

describe('convertCanaryConfig', () => {
  it("imports a Kayenta Prometheus config: keeps its id, drops Kayenta's bookkeeping and Deck's query fields, fixes the name", () => {
    const c = convertCanaryConfig(structuredClone(prometheus));
    expect(c.notes.problems).toEqual([]);
    expect(c.document).toMatchObject({ id: '0fcb303b-825c-4252-a34f-2acc245027ed', name: 'helloagain-canary', classifier: prometheus.classifier });
    expect(c.document).not.toHaveProperty('createdTimestamp');
    expect(JSON.stringify(c.document)).not.toContain('serviceType');
    expect(c.notes.changes.map((n) => n.pointer)).toEqual([
      '/createdTimestamp',
      '/updatedTimestamp',
      '/createdTimestampIso',
      '/updatedTimestampIso',
      '/name',
      '/metrics/0/query/serviceType',
      '/metrics/1/query/serviceType',
      '/metrics/2/query/serviceType',
    ]);
    // groupByFields is ignored, and the bare metricName relied on Kayenta's resourceType filters.
    expect(c.notes.warnings.map((n) => n.pointer)).toEqual(['/metrics/2/query/groupByFields', '/metrics/2/query']);
  });

  it('refuses metric sources Gennaker cannot read, by pointer', () => {
    const c = convertCanaryConfig(structuredClone(atlas));
    expect(c.document).toBeNull();
    expect(c.notes.problems).toEqual([{ pointer: '/metrics/0/query/type', message: 'metric source "atlas" is not supported: Gennaker reads prometheus, cloudwatch, local' }]);
  });

  it("applies Kayenta's own rules (weights adding up to 100) and the source's query checks", () => {
    const bad = structuredClone(prometheus) as Record<string, any>;
    bad.classifier.groupWeights = { Errors: 70, Latency: 40 };
    bad.metrics[0].query.customFilterTemplate = 'missing';
    const c = convertCanaryConfig(bad);
    expect(c.notes.problems.map((p) => p.pointer)).toEqual(['/metrics/0/query/customFilterTemplate']);
    delete bad.metrics[0].query.customFilterTemplate;
    expect(convertCanaryConfig(bad).notes.problems).toEqual([{ pointer: '/classifier/groupWeights', message: 'group weights must add up to 100; they add up to 110' }]);
  });

  it('refuses the early Kayenta format with a query string', () => {
    const c = convertCanaryConfig({ name: 'old', metrics: [{ name: 'cpu', serviceName: 'atlas', query: 'name,cpu,:eq', groups: ['g'] }], classifier: { groupWeights: { g: 100 } } });
    expect(c.notes.problems).toEqual([{ pointer: '/metrics/0/query', message: expect.stringContaining('early Kayenta format') }]);
  });

  it('tells canary configs from other documents', () => {
    expect(looksLikeCanaryConfig(prometheus)).toBe(true);
    expect(looksLikeCanaryConfig({ name: 'x', metrics: [] })).toBe(false);
  });
});
