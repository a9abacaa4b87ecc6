// Reads a canary stage's context, in either of Spinnaker's shapes, into settings the tasks use:
// - `kayentaCanary`: {analysisType, canaryConfig: {canaryConfigId, lifetimeDuration | lifetimeHours,
//   canaryAnalysisIntervalMins, beginCanaryAnalysisAfterMins, lookbackMins, scopes: [...],
//   scoreThresholds, metricsAccountName}, deployments: {baseline, serverGroupPairs, ...}};
// - Netflix's older `canary`: {canary: {canaryConfig: {lifetimeHours, canaryAnalysisConfig: {name,
//   canaryAnalysisIntervalMins, beginCanaryAnalysisAfterMins, useLookback, lookbackMins},
//   canaryHealthCheckHandler: {minimumCanaryResultScore}, canarySuccessCriteria: {canaryResultScore}}},
//   clusterPairs: [{baseline, canary}]}.
// Every problem comes back with the JSON pointer of the field, relative to the stage. At validate
// time (`mode: 'validate'`) values holding expressions are left for run time.

import { capacityErrors, isExpression } from '@gennaker/cloud';
import { isPlainObject, type ErrorDetail } from '@gennaker/common';
import { validateScoreThresholds, type ScoreThresholds } from '@gennaker/canary';
import { HOUR_MS, MINUTE_MS, readDuration, SECOND_MS } from '../duration.util';

export type AnalysisType = 'realTime' | 'retrospective';
export type MarginalAction = 'fail' | 'pause';
export const MARGINAL_ACTIONS: readonly MarginalAction[] = ['fail', 'pause'];
/** Each of baseline and canary gets this share of the production load balancers' traffic by default. */
export const DEFAULT_TRAFFIC_PERCENT = 10;
export const DEFAULT_STEP_MS = 60_000;

export interface CanaryScopeSettings {
  scopeName: string;
  controlScope: string | null;
  controlLocation: string;
  experimentScope: string | null;
  experimentLocation: string;
  /** The scope's `step` (seconds in the JSON), or null for the default. */
  stepMs: number | null;
  startTime: number | null;
  endTime: number | null;
  extendedScopeParams: Record<string, string>;
  pointer: string;
}

export interface CanaryPairSettings {
  control: Record<string, unknown>;
  experiment: Record<string, unknown>;
  /** Pointers of the two cluster specs (`/deployments/serverGroupPairs/0/control`, `/clusterPairs/0/baseline`). */
  controlPointer: string;
  experimentPointer: string;
}

export interface CanaryDeploymentsSettings {
  /** The production cluster whose enabled server group is the baseline's source. */
  baseline: { application: string | null; account: string | null; cluster: string | null; region: string | null; cloudProvider: string | null };
  pairs: CanaryPairSettings[];
  /** Share of the production load balancers' traffic for each of baseline and canary (providers that can weigh traffic). */
  trafficPercent: number;
  delayBeforeCleanupMs: number;
  pointer: string;
}

export interface CanaryStageSettings {
  shape: 'kayenta' | 'netflix';
  analysisType: AnalysisType;
  configId: string | null;
  configName: string | null;
  lifetimeMs: number | null;
  intervalMs: number | null;
  warmupMs: number;
  lookbackMs: number | null;
  scopes: CanaryScopeSettings[];
  scoreThresholds: ScoreThresholds | null;
  metricsAccountName: string | null;
  marginalAction: MarginalAction;
  deployments: CanaryDeploymentsSettings | null;
  pointers: { configRef: string; thresholds: string; lifetime: string; scopes: string };
}

type Mode = 'validate' | 'run';
type Obj = Record<string, unknown>;

class Reader {
  readonly errors: ErrorDetail[] = [];
  constructor(readonly mode: Mode) {}

  add(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }

  /** At validate time an expression is fine as it is; at run time it was evaluated already. */
  deferred(v: unknown): boolean {
    return this.mode === 'validate' && isExpression(v);
  }

  string(owner: Obj, field: string, pointer: string, required = false): string | null {
    const v = owner[field];
    if (v === undefined || v === null || v === '') {
      if (required) this.add(`${pointer}/${field}`, `${field} is required`);
      return null;
    }
    if (typeof v !== 'string') {
      this.add(`${pointer}/${field}`, `${field} must be a string`);
      return null;
    }
    return v;
  }

  /** The first of `fields` that is set, read as a duration in its unit. */
  duration(owner: Obj, pointer: string, fields: ReadonlyArray<readonly [string, number, string]>): { ms: number | null; pointer: string } {
    for (const [field, unit, unitName] of fields) {
      const v = owner[field];
      if (v === undefined || v === null || v === '') continue;
      const p = `${pointer}/${field}`;
      if (this.deferred(v)) return { ms: null, pointer: p };
      const r = readDuration(v, unit, unitName);
      if (!r.ok) {
        this.add(p, `${field} ${r.message}`);
        return { ms: null, pointer: p };
      }
      return { ms: r.ms, pointer: p };
    }
    return { ms: null, pointer: `${pointer}/${fields[0]?.[0] ?? ''}` };
  }

  number(v: unknown, pointer: string, what: string): number | null {
    if (v === undefined || v === null || v === '') return null;
    if (this.deferred(v)) return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) {
      this.add(pointer, `${what} must be a number; got ${JSON.stringify(v)}`);
      return null;
    }
    return n;
  }

  time(v: unknown, pointer: string): number | null {
    if (v === undefined || v === null || v === '') return null;
    if (this.deferred(v)) return null;
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(t)) {
      this.add(pointer, `must be an ISO-8601 time (2026-01-01T10:00:00Z) or epoch milliseconds; got ${JSON.stringify(v)}`);
      return null;
    }
    return t;
  }
}

function obj(v: unknown): Obj | null {
  return isPlainObject(v) ? v : null;
}

function thresholdsOf(r: Reader, marginalRaw: unknown, passRaw: unknown, pointers: { marginal: string; pass: string; base: string }): ScoreThresholds | null {
  if ((marginalRaw === undefined || marginalRaw === null || marginalRaw === '') && (passRaw === undefined || passRaw === null || passRaw === '')) return null;
  if (r.deferred(marginalRaw) || r.deferred(passRaw)) return null;
  const marginal = r.number(marginalRaw, pointers.marginal, 'marginal');
  const pass = r.number(passRaw, pointers.pass, 'pass');
  if (marginalRaw === undefined || marginalRaw === null || marginalRaw === '') r.add(pointers.marginal, 'marginal is required with pass');
  if (passRaw === undefined || passRaw === null || passRaw === '') r.add(pointers.pass, 'pass is required with marginal');
  if (marginal === null || pass === null) return null;
  const t = { marginal, pass };
  const checked = validateScoreThresholds(t, '');
  for (const e of checked.errors) r.add(e.pointer === '/marginal' ? pointers.marginal : e.pointer === '/pass' ? pointers.pass : pointers.base, e.message);
  return checked.valid ? t : null;
}

function readScopes(r: Reader, raw: unknown, pointer: string, hasDeployments: boolean): CanaryScopeSettings[] {
  if (raw === undefined || raw === null) {
    if (!hasDeployments) r.add(pointer, 'scopes are required (controlScope and experimentScope), unless deployments create the server groups');
    return hasDeployments ? [emptyScope(pointer)] : [];
  }
  if (r.deferred(raw)) return [];
  if (!Array.isArray(raw) || (raw.length === 0 && !hasDeployments)) {
    r.add(pointer, 'scopes must be a non-empty list of {scopeName, controlScope, controlLocation, experimentScope, experimentLocation, step}');
    return [];
  }
  if (raw.length === 0) return [emptyScope(pointer)];
  const seen = new Set<string>();
  const scopes: CanaryScopeSettings[] = [];
  raw.forEach((entry: unknown, i) => {
    const p = `${pointer}/${i}`;
    const s = obj(entry);
    if (!s) {
      r.add(p, 'a scope must be an object');
      return;
    }
    const scopeName = r.string(s, 'scopeName', p) ?? 'default';
    if (seen.has(scopeName)) r.add(`${p}/scopeName`, `scope ${JSON.stringify(scopeName)} is defined twice`);
    seen.add(scopeName);
    // With deployments the default scope is the baseline and canary groups: its names are optional.
    const namesRequired = !(hasDeployments && scopeName === 'default');
    const controlScope = r.string(s, 'controlScope', p, namesRequired);
    const experimentScope = r.string(s, 'experimentScope', p, namesRequired);
    const controlLocation = r.string(s, 'controlLocation', p) ?? '';
    const experimentLocation = r.string(s, 'experimentLocation', p) ?? '';
    let stepMs: number | null = null;
    const step = s['step'];
    if (step !== undefined && step !== null && step !== '' && !r.deferred(step)) {
      const d = readDuration(step, SECOND_MS, 'seconds');
      if (!d.ok || d.ms <= 0) r.add(`${p}/step`, d.ok ? 'step must be more than 0 seconds' : `step ${d.message}`);
      else stepMs = d.ms;
    }
    const params: Record<string, string> = {};
    const ext = s['extendedScopeParams'];
    if (ext !== undefined && ext !== null) {
      const e = obj(ext);
      if (!e) r.add(`${p}/extendedScopeParams`, 'extendedScopeParams must be an object of name to value');
      else for (const [k, v] of Object.entries(e)) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    scopes.push({
      scopeName,
      controlScope,
      controlLocation,
      experimentScope,
      experimentLocation,
      stepMs,
      startTime: r.time(s['startTimeIso'] ?? s['startTime'], `${p}/${s['startTimeIso'] !== undefined ? 'startTimeIso' : 'startTime'}`),
      endTime: r.time(s['endTimeIso'] ?? s['endTime'], `${p}/${s['endTimeIso'] !== undefined ? 'endTimeIso' : 'endTime'}`),
      extendedScopeParams: params,
      pointer: p,
    });
  });
  if (hasDeployments && !scopes.some((s) => s.scopeName === 'default')) scopes.unshift(emptyScope(pointer));
  return scopes;
}

function emptyScope(pointer: string): CanaryScopeSettings {
  return { scopeName: 'default', controlScope: null, controlLocation: '', experimentScope: null, experimentLocation: '', stepMs: null, startTime: null, endTime: null, extendedScopeParams: {}, pointer: `${pointer}/0` };
}

function readPairSpec(r: Reader, raw: unknown, pointer: string): Record<string, unknown> {
  const spec = obj(raw);
  if (!spec) {
    if (!r.deferred(raw)) r.add(pointer, 'must be a deploy cluster spec (application, stack, freeFormDetails, account, availabilityZones, capacity...)');
    return {};
  }
  for (const field of ['application', 'account', 'credentials', 'stack', 'freeFormDetails'] as const) {
    const v = spec[field];
    if (v !== undefined && v !== null && typeof v !== 'string') r.add(`${pointer}/${field}`, `${field} must be a string`);
  }
  if (spec['capacity'] !== undefined && !r.deferred(spec['capacity'])) {
    for (const e of capacityErrors(spec['capacity'], `${pointer}/capacity`)) r.add(e.pointer, e.message);
  }
  return spec;
}

function readTrafficPercent(r: Reader, owner: Obj, pointer: string): number {
  const v = r.number(owner['trafficPercent'], `${pointer}/trafficPercent`, 'trafficPercent');
  if (v === null) return DEFAULT_TRAFFIC_PERCENT;
  if (v <= 0 || v > 50) {
    r.add(`${pointer}/trafficPercent`, 'trafficPercent (the share of each of baseline and canary) must be more than 0 and at most 50');
    return DEFAULT_TRAFFIC_PERCENT;
  }
  return v;
}

function readKayentaDeployments(r: Reader, raw: unknown): CanaryDeploymentsSettings | null {
  if (raw === undefined || raw === null) return null;
  const pointer = '/deployments';
  const d = obj(raw);
  if (!d) {
    if (!r.deferred(raw)) r.add(pointer, 'deployments must be an object {baseline, serverGroupPairs}');
    return null;
  }
  const b = obj(d['baseline']);
  if (!b) r.add(`${pointer}/baseline`, 'baseline {application, account, cluster} names the production cluster the baseline copies');
  const baseline = {
    application: b ? r.string(b, 'application', `${pointer}/baseline`, true) : null,
    account: b ? r.string(b, b['credentials'] !== undefined && b['account'] === undefined ? 'credentials' : 'account', `${pointer}/baseline`, true) : null,
    cluster: b ? r.string(b, 'cluster', `${pointer}/baseline`, true) : null,
    region: b ? r.string(b, 'region', `${pointer}/baseline`) : null,
    cloudProvider: b ? r.string(b, 'cloudProvider', `${pointer}/baseline`) : null,
  };
  const pairsRaw = d['serverGroupPairs'];
  const pairs: CanaryPairSettings[] = [];
  if (!Array.isArray(pairsRaw) || pairsRaw.length === 0) {
    if (!r.deferred(pairsRaw)) r.add(`${pointer}/serverGroupPairs`, 'serverGroupPairs must list at least one {control, experiment} pair of cluster specs');
  } else {
    pairsRaw.forEach((pair: unknown, i) => {
      const p = `${pointer}/serverGroupPairs/${i}`;
      const o = obj(pair);
      if (!o) {
        r.add(p, 'a server group pair is {control, experiment}');
        return;
      }
      pairs.push({ control: readPairSpec(r, o['control'], `${p}/control`), experiment: readPairSpec(r, o['experiment'], `${p}/experiment`), controlPointer: `${p}/control`, experimentPointer: `${p}/experiment` });
    });
  }
  const cleanup = r.duration(d, pointer, [
    ['delayBeforeCleanup', SECOND_MS, 'seconds'],
    ['delayBeforeCleanupSeconds', SECOND_MS, 'seconds'],
  ]);
  return { baseline, pairs, trafficPercent: readTrafficPercent(r, d, pointer), delayBeforeCleanupMs: cleanup.ms ?? 0, pointer };
}

function readMarginalAction(r: Reader, ctx: Obj, config: Obj | null, configPointer: string): MarginalAction {
  const [raw, pointer] = ctx['marginalAction'] !== undefined ? [ctx['marginalAction'], '/marginalAction'] : [config?.['marginalAction'], `${configPointer}/marginalAction`];
  if (raw === undefined || raw === null || raw === '' || r.deferred(raw)) return 'fail';
  if (typeof raw !== 'string' || !(MARGINAL_ACTIONS as readonly string[]).includes(raw)) {
    r.add(pointer, `marginalAction must be one of ${MARGINAL_ACTIONS.join(', ')}`);
    return 'fail';
  }
  return raw as MarginalAction;
}

function readKayenta(r: Reader, ctx: Obj): CanaryStageSettings | null {
  const configPointer = '/canaryConfig';
  const config = obj(ctx['canaryConfig']);
  if (!config) {
    r.add(configPointer, 'canaryConfig {canaryConfigId, lifetimeDuration, canaryAnalysisIntervalMins, scopes, scoreThresholds} is required');
    return null;
  }
  const analysisRaw = ctx['analysisType'] ?? config['analysisType'] ?? 'realTime';
  let analysisType: AnalysisType = 'realTime';
  if (analysisRaw === 'retrospective' || analysisRaw === 'realTime') analysisType = analysisRaw;
  else if (!r.deferred(analysisRaw)) r.add('/analysisType', 'analysisType must be realTime or retrospective');

  const configId = r.string(config, 'canaryConfigId', configPointer);
  const configName = r.string(config, 'canaryConfigName', configPointer);
  if (configId === null && configName === null && !r.deferred(config['canaryConfigId'])) r.add(`${configPointer}/canaryConfigId`, 'canaryConfigId (or canaryConfigName) names the canary config to judge with');

  const lifetime = r.duration(config, configPointer, [
    ['lifetimeDuration', SECOND_MS, 'seconds'],
    ['lifetimeHours', HOUR_MS, 'hours'],
    ['lifetimeMins', MINUTE_MS, 'minutes'],
    ['lifetimeSeconds', SECOND_MS, 'seconds'],
  ]);
  const interval = r.duration(config, configPointer, [
    ['canaryAnalysisIntervalMins', MINUTE_MS, 'minutes'],
    ['canaryAnalysisIntervalSeconds', SECOND_MS, 'seconds'],
  ]);
  const warmup = r.duration(config, configPointer, [
    ['beginCanaryAnalysisAfterMins', MINUTE_MS, 'minutes'],
    ['beginCanaryAnalysisAfterSeconds', SECOND_MS, 'seconds'],
  ]);
  const lookback = r.duration(config, configPointer, [
    ['lookbackMins', MINUTE_MS, 'minutes'],
    ['lookbackSeconds', SECOND_MS, 'seconds'],
  ]);
  const deployments = readKayentaDeployments(r, ctx['deployments']);
  const scopes = readScopes(r, config['scopes'], `${configPointer}/scopes`, deployments !== null);
  const t = obj(config['scoreThresholds']);
  if (config['scoreThresholds'] !== undefined && config['scoreThresholds'] !== null && !t && !r.deferred(config['scoreThresholds'])) r.add(`${configPointer}/scoreThresholds`, 'scoreThresholds must be {marginal, pass}');
  const tp = `${configPointer}/scoreThresholds`;
  const scoreThresholds = t ? thresholdsOf(r, t['marginal'], t['pass'], { marginal: `${tp}/marginal`, pass: `${tp}/pass`, base: tp }) : null;
  const metricsAccountName = r.string(config, 'metricsAccountName', configPointer);
  return {
    shape: 'kayenta',
    analysisType,
    configId,
    configName,
    lifetimeMs: lifetime.ms,
    intervalMs: interval.ms,
    warmupMs: warmup.ms ?? 0,
    lookbackMs: lookback.ms !== null && lookback.ms > 0 ? lookback.ms : null,
    scopes,
    scoreThresholds,
    metricsAccountName,
    marginalAction: readMarginalAction(r, ctx, config, configPointer),
    deployments,
    pointers: { configRef: `${configPointer}/canaryConfigId`, thresholds: tp, lifetime: lifetime.pointer, scopes: `${configPointer}/scopes` },
  };
}

function readNetflix(r: Reader, ctx: Obj): CanaryStageSettings | null {
  const canaryPointer = '/canary/canaryConfig';
  const canary = obj(ctx['canary']);
  const config = canary ? obj(canary['canaryConfig']) : null;
  if (!config) {
    r.add(canaryPointer, 'canary.canaryConfig {lifetimeHours, canaryAnalysisConfig, canarySuccessCriteria...} is required');
    return null;
  }
  const analysis = obj(config['canaryAnalysisConfig']) ?? {};
  const analysisPointer = `${canaryPointer}/canaryAnalysisConfig`;
  const configName = r.string(analysis, 'name', analysisPointer, true);
  const lifetime = r.duration(config, canaryPointer, [
    ['lifetimeHours', HOUR_MS, 'hours'],
    ['lifetimeDuration', SECOND_MS, 'seconds'],
  ]);
  const interval = r.duration(analysis, analysisPointer, [
    ['canaryAnalysisIntervalMins', MINUTE_MS, 'minutes'],
    ['canaryAnalysisIntervalSeconds', SECOND_MS, 'seconds'],
  ]);
  const warmup = r.duration(analysis, analysisPointer, [
    ['beginCanaryAnalysisAfterMins', MINUTE_MS, 'minutes'],
    ['beginCanaryAnalysisAfterSeconds', SECOND_MS, 'seconds'],
  ]);
  const lookback = analysis['useLookback'] === true || analysis['useLookback'] === 'true' ? r.duration(analysis, analysisPointer, [['lookbackMins', MINUTE_MS, 'minutes']]) : { ms: null, pointer: '' };
  const health = obj(config['canaryHealthCheckHandler']) ?? {};
  const success = obj(config['canarySuccessCriteria']) ?? {};
  const scoreThresholds = thresholdsOf(r, health['minimumCanaryResultScore'], success['canaryResultScore'], {
    marginal: `${canaryPointer}/canaryHealthCheckHandler/minimumCanaryResultScore`,
    pass: `${canaryPointer}/canarySuccessCriteria/canaryResultScore`,
    base: canaryPointer,
  });

  const pairsRaw = ctx['clusterPairs'];
  const pairs: CanaryPairSettings[] = [];
  if (!Array.isArray(pairsRaw) || pairsRaw.length === 0) {
    if (!r.deferred(pairsRaw)) r.add('/clusterPairs', 'clusterPairs must list at least one {baseline, canary} pair of cluster specs');
  } else {
    pairsRaw.forEach((pair: unknown, i) => {
      const p = `/clusterPairs/${i}`;
      const o = obj(pair);
      if (!o) {
        r.add(p, 'a cluster pair is {baseline, canary}');
        return;
      }
      pairs.push({ control: readPairSpec(r, o['baseline'], `${p}/baseline`), experiment: readPairSpec(r, o['canary'], `${p}/canary`), controlPointer: `${p}/baseline`, experimentPointer: `${p}/canary` });
    });
  }
  // Netflix's baseline copies the production cluster of the pair's application and stack.
  const first = pairs[0]?.control ?? {};
  const app = typeof first['application'] === 'string' ? first['application'] : null;
  const stack = typeof first['stack'] === 'string' && first['stack'] !== '' ? first['stack'] : null;
  const account = typeof first['account'] === 'string' ? first['account'] : typeof first['credentials'] === 'string' ? first['credentials'] : null;
  const deployments: CanaryDeploymentsSettings = {
    baseline: { application: app, account, cluster: app ? (stack ? `${app}-${stack}` : app) : null, region: null, cloudProvider: typeof first['cloudProvider'] === 'string' ? first['cloudProvider'] : null },
    pairs,
    trafficPercent: readTrafficPercent(r, ctx, ''),
    delayBeforeCleanupMs: 0,
    pointer: '/clusterPairs',
  };
  return {
    shape: 'netflix',
    analysisType: 'realTime',
    configId: null,
    configName,
    lifetimeMs: lifetime.ms,
    intervalMs: interval.ms,
    warmupMs: warmup.ms ?? 0,
    lookbackMs: lookback.ms !== null && lookback.ms > 0 ? lookback.ms : null,
    scopes: [emptyScope('/canary/canaryConfig/scopes')],
    scoreThresholds,
    metricsAccountName: null,
    marginalAction: readMarginalAction(r, ctx, null, canaryPointer),
    deployments,
    pointers: { configRef: `${analysisPointer}/name`, thresholds: canaryPointer, lifetime: lifetime.pointer, scopes: '/clusterPairs' },
  };
}

/**
 * The stage's settings and every problem with them. At run time (`mode: 'run'`) the checks that
 * need evaluated values run too: a lifetime for a real-time canary, times for a retrospective one.
 */
export function readCanaryStage(ctx: Readonly<Record<string, unknown>>, mode: Mode): { settings: CanaryStageSettings | null; errors: ErrorDetail[] } {
  const r = new Reader(mode);
  const c = ctx as Obj;
  const netflix = obj(c['canary']) !== null && c['canaryConfig'] === undefined;
  const settings = netflix ? readNetflix(r, c) : readKayenta(r, c);
  if (settings) {
    if (settings.lifetimeMs !== null && settings.lifetimeMs <= 0) r.add(settings.pointers.lifetime, 'the lifetime must be more than 0');
    if (settings.intervalMs !== null && settings.intervalMs <= 0) r.add(settings.shape === 'kayenta' ? '/canaryConfig/canaryAnalysisIntervalMins' : '/canary/canaryConfig/canaryAnalysisConfig/canaryAnalysisIntervalMins', 'the analysis interval must be more than 0');
    if (mode === 'run') {
      if (settings.analysisType === 'realTime' && settings.lifetimeMs === null && !r.errors.some((e) => e.pointer === settings.pointers.lifetime)) {
        r.add(settings.pointers.lifetime, 'a real-time canary needs a lifetime: lifetimeDuration (PT1H, PT30S) or lifetimeHours');
      }
      if (settings.analysisType === 'retrospective') {
        const s = settings.scopes[0];
        if (!s || s.startTime === null || s.endTime === null) r.add(`${settings.pointers.scopes}/0/startTimeIso`, 'a retrospective canary needs startTimeIso and endTimeIso on its scopes');
        else if (s.endTime <= s.startTime) r.add(`${s.pointer}/endTimeIso`, 'endTimeIso must be after startTimeIso');
      }
      if (settings.deployments && settings.deployments.pairs.length > 1) {
        r.add(`${settings.deployments.pointer}${settings.shape === 'kayenta' ? '/serverGroupPairs' : ''}/1`, 'one server group pair per canary stage is supported: run one canary stage per region');
      }
      if (settings.deployments && settings.analysisType === 'retrospective') r.add('/deployments', 'a retrospective canary judges the past: it cannot deploy server groups');
    }
  }
  return { settings, errors: r.errors };
}
