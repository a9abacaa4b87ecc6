import { REFERENCE_PIPELINES } from '@gennaker/pipeline/testing';
import { describe, expect, it } from 'vitest';
import { readCanaryStage } from './canary-stage-context.util';

// The reference pipelines as copied into libs/pipeline's fixtures (a clone has no ../shared).
function referenceStage(file: string, type: string): Record<string, unknown> {
  const ref = REFERENCE_PIPELINES.find((r) => r.file === file);
  if (!ref) throw new Error(`no reference pipeline ${file}`);
  const doc = structuredClone(ref.document) as { stages: Array<Record<string, unknown>> };
  const s = doc.stages.find((x) => x['type'] === type);
  if (!s) throw new Error(`no ${type} stage in ${file}`);
  return s;
}

const kayenta = (over: Record<string, unknown> = {}, config: Record<string, unknown> = {}) => ({
  type: 'kayentaCanary',
  canaryConfig: {
    canaryConfigId: 'cfg-1',
    lifetimeDuration: 'PT15S',
    canaryAnalysisIntervalMins: 0.0833333,
    scopes: [{ scopeName: 'default', controlScope: 'app-v001', controlLocation: 'r1', experimentScope: 'app-v002', experimentLocation: 'r1', step: 1 }],
    scoreThresholds: { marginal: '50', pass: '75' },
    ...config,
  },
  ...over,
});

describe('reading a canary stage', () => {
  it('reads Kayenta\'s shape: numbers as strings, ISO and fractional durations, scopes', () => {
    const { settings, errors } = readCanaryStage(kayenta(), 'run');
    expect(errors).toEqual([]);
    expect(settings).toMatchObject({
      shape: 'kayenta',
      analysisType: 'realTime',
      configId: 'cfg-1',
      lifetimeMs: 15_000,
      intervalMs: 5000,
      warmupMs: 0,
      lookbackMs: null,
      scoreThresholds: { marginal: 50, pass: 75 },
      marginalAction: 'fail',
      deployments: null,
    });
    expect(settings?.scopes[0]).toMatchObject({ scopeName: 'default', controlScope: 'app-v001', experimentScope: 'app-v002', stepMs: 1000 });
  });

  it('accepts the capstan kayentaCanary stage (reference pipeline C) at validate time, expressions included', () => {
    const stage = referenceStage('C_capstan_canary_prod.json', 'kayentaCanary');
    expect(readCanaryStage(stage, 'validate').errors).toEqual([]);
    const { settings } = readCanaryStage(stage, 'validate');
    expect(settings).toMatchObject({ lifetimeMs: 3_600_000, intervalMs: 1_800_000, warmupMs: 120_000, scoreThresholds: { marginal: 50, pass: 75 }, metricsAccountName: 'cdci-runtime-canary' });
  });

  it('reads Netflix\'s older canary stage (reference pipeline B): thresholds, intervals, cluster pairs as deployments', () => {
    const stage = referenceStage('B_netflix_tracks_release_to_prod_canary.reconstructed.json', 'canary');
    const { settings, errors } = readCanaryStage(stage, 'validate');
    expect(errors).toEqual([]);
    expect(settings).toMatchObject({
      shape: 'netflix',
      configName: 'PLA-Tracks',
      lifetimeMs: 16 * 3_600_000,
      intervalMs: 30 * 60_000,
      warmupMs: 30 * 60_000,
      scoreThresholds: { marginal: 65, pass: 90 },
    });
    expect(settings?.deployments?.baseline).toMatchObject({ application: 'tracks', account: 'prod', cluster: 'tracks-prod' });
    expect(settings?.deployments?.pairs).toHaveLength(3);
    // One pair per canary stage at run time: said with the pointer of the second pair.
    expect(readCanaryStage(stage, 'run').errors).toEqual([{ pointer: '/clusterPairs/1', message: expect.stringContaining('one server group pair per canary stage') }]);
  });

  it('names every bad field by pointer', () => {
    const bad = kayenta(
      { marginalAction: 'retry', analysisType: 'sometimes' },
      { canaryConfigId: undefined, lifetimeDuration: 'forever', canaryAnalysisIntervalMins: -1, scoreThresholds: { marginal: 90, pass: 75 }, scopes: [{ scopeName: 'default', controlScope: 'a-v001', step: 0 }] },
    );
    expect(readCanaryStage(bad, 'run').errors.map((e) => e.pointer).sort()).toEqual(
      [
        '/analysisType',
        '/canaryConfig/canaryAnalysisIntervalMins',
        '/canaryConfig/canaryConfigId',
        '/canaryConfig/lifetimeDuration',
        '/canaryConfig/scopes/0/experimentScope',
        '/canaryConfig/scopes/0/step',
        '/canaryConfig/scoreThresholds/marginal',
        '/marginalAction',
      ].sort(),
    );
    expect(readCanaryStage({ type: 'kayentaCanary' }, 'validate').errors).toEqual([{ pointer: '/canaryConfig', message: expect.stringContaining('required') }]);
  });

  it('leaves expressions for run time, and needs a lifetime (realTime) or times (retrospective) only then', () => {
    const deferred = kayenta({}, { lifetimeDuration: '${parameters.lifetime}', scoreThresholds: { marginal: '${parameters.m}', pass: 75 } });
    expect(readCanaryStage(deferred, 'validate').errors).toEqual([]);
    expect(readCanaryStage(kayenta({}, { lifetimeDuration: undefined }), 'validate').errors).toEqual([]);
    expect(readCanaryStage(kayenta({}, { lifetimeDuration: undefined }), 'run').errors.map((e) => e.pointer)).toEqual(['/canaryConfig/lifetimeDuration']);
    const retro = kayenta({ analysisType: 'retrospective' }, { lifetimeDuration: undefined, scopes: [{ controlScope: 'a-v001', experimentScope: 'a-v002', startTimeIso: '2026-01-01T10:00:00Z', endTimeIso: '2026-01-01T09:00:00Z' }] });
    expect(readCanaryStage(retro, 'run').errors.map((e) => e.pointer)).toEqual(['/canaryConfig/scopes/0/endTimeIso']);
  });

  it('reads deployments: scope names become optional, pairs and traffic share checked', () => {
    const d = kayenta(
      {
        marginalAction: 'pause',
        deployments: {
          baseline: { cloudProvider: 'local', application: 'hello', account: 'local', cluster: 'hello-prod' },
          serverGroupPairs: [{ control: { capacity: { min: 1, max: 1, desired: 1 } }, experiment: { capacity: { min: 1, max: 'x', desired: 1 } } }],
          trafficPercent: 60,
        },
      },
      { scopes: [{ scopeName: 'default', step: 1 }] },
    );
    const { settings, errors } = readCanaryStage(d, 'run');
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/deployments/serverGroupPairs/0/experiment/capacity/max', '/deployments/trafficPercent']);
    expect(settings?.marginalAction).toBe('pause');
    expect(settings?.scopes[0]).toMatchObject({ scopeName: 'default', controlScope: null, experimentScope: null, stepMs: 1000 });
    expect(readCanaryStage(kayenta({ deployments: { baseline: {} } }), 'validate').errors.map((e) => e.pointer).sort()).toEqual([
      '/deployments/baseline/account',
      '/deployments/baseline/application',
      '/deployments/baseline/cluster',
      '/deployments/serverGroupPairs',
    ]);
  });
});
