// The analysis of a canary stage: `startCanaryAnalysis` resolves the config and the scopes, plans
// the intervals and creates the canary run; `monitorCanaryAnalysis` is a poll that sleeps (as a
// delayed job, never in a worker) until an interval's data is complete, judges it, stores the
// judgment, and decides: go on, stop early, or finish on the last interval's score.

import { DEFAULT_SCORE_THRESHOLDS, judge, parseCanaryConfig, type CanaryConfig, type JudgeClassification, type ScoreThresholds } from '@gennaker/canary';
import { InputError, isPlainObject } from '@gennaker/common';
import type { Stage, TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import { collectMetricData, finiteValues, type MetricScope, type ScopePair } from '@gennaker/metrics';
import type { CanaryDeps } from '../canary-deps';
import { canaryResultIdFor, canaryStageOf, deploymentPlanOf } from './canary-execution.util';
import { decideAfterInterval, type IntervalVerdict } from './canary-decision.util';
import { canaryWindows, defaultStepMs, type CanaryWindow } from './canary-schedule.util';
import { readCanaryStage, type CanaryStageSettings, type MarginalAction } from './canary-stage-context.util';
import { cleanupCanaryNow } from './cleanup-canary.task';

/** A scope as the analysis uses it: both sides resolved. */
export interface ResolvedScope {
  scopeName: string;
  control: { scope: string; location: string };
  experiment: { scope: string; location: string };
  stepMs: number;
  metricsAccount: string | null;
  extendedScopeParams: Record<string, string>;
}

/** What startCanaryAnalysis records in the stage for the monitor. */
export interface CanaryAnalysisPlan {
  resultId: string;
  windows: CanaryWindow[];
  scopes: ResolvedScope[];
  scoreThresholds: ScoreThresholds;
  readyDelayMs: number;
  marginalAction: MarginalAction;
}

function invalid(errors: Array<{ pointer: string; message: string }>, what: string): InputError {
  return new InputError(`${what}: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`, errors);
}

/** The stage's canary config, checked against the metric sources of this install. */
export async function loadCanaryConfig(deps: CanaryDeps, settings: CanaryStageSettings): Promise<{ id: string | null; config: CanaryConfig }> {
  const stored = settings.configId !== null ? await deps.configs.byId(settings.configId) : settings.configName !== null ? await deps.configs.byName(settings.configName) : null;
  if (!stored) {
    const what = settings.configId !== null ? `id ${settings.configId}` : `name ${JSON.stringify(settings.configName)}`;
    throw new InputError(`no canary config with ${what}: store it with POST /api/v1/canary/configs`, [{ pointer: settings.pointers.configRef, message: `no canary config with ${what}` }]);
  }
  // Checked again: a config stored when another metric source was configured may not run here.
  const checked = deps.sources.validateConfig(stored.config);
  const parsed = parseCanaryConfig(stored.config, deps.sources.types());
  if (!checked.valid || !parsed.ok) throw invalid(checked.errors, `canary config ${stored.name} cannot run here`);
  return { id: stored.id, config: parsed.config };
}

function resolveScopes(settings: CanaryStageSettings, canary: Stage, input: TaskInput, intervalMs: number): ResolvedScope[] {
  const plan = deploymentPlanOf(input.execution, canary);
  const errors: Array<{ pointer: string; message: string }> = [];
  const scopes = settings.scopes.map((s): ResolvedScope => {
    const deployed = plan && s.scopeName === 'default';
    const control = deployed ? { scope: plan.baseline.name, location: plan.region } : { scope: s.controlScope ?? '', location: s.controlLocation };
    const experiment = deployed ? { scope: plan.canary.name, location: plan.region } : { scope: s.experimentScope ?? '', location: s.experimentLocation };
    if (control.scope === '') errors.push({ pointer: `${s.pointer}/controlScope`, message: 'controlScope is required (the baseline server group)' });
    if (experiment.scope === '') errors.push({ pointer: `${s.pointer}/experimentScope`, message: 'experimentScope is required (the canary server group)' });
    return {
      scopeName: s.scopeName,
      control,
      experiment,
      stepMs: s.stepMs ?? defaultStepMs(intervalMs),
      metricsAccount: settings.metricsAccountName ?? (deployed ? plan.account : null),
      extendedScopeParams: s.extendedScopeParams,
    };
  });
  if (errors.length > 0) throw invalid(errors, 'the canary scopes are incomplete');
  return scopes;
}

function analysisPlanOf(stage: Readonly<Stage>): CanaryAnalysisPlan | null {
  const a = stage.context['canaryAnalysis'];
  return isPlainObject(a) && Array.isArray(a['windows']) && typeof a['resultId'] === 'string' ? (a as unknown as CanaryAnalysisPlan) : null;
}

const cancel = (deps: CanaryDeps) => async (input: TaskInput): Promise<TaskResult> => {
  await cleanupCanaryNow(deps, input, 'canceled');
  return { status: 'CANCELED' };
};

/** Resolves config and scopes, plans the intervals, creates the canary run. */
export function startCanaryAnalysisTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'startCanaryAnalysis',
    queue: 'canary',
    onCancel: cancel(deps),
    async execute(input: TaskInput): Promise<TaskResult> {
      if (analysisPlanOf(input.stage)) return { status: 'SUCCEEDED' };
      const { settings, errors } = readCanaryStage(input.stage.context, 'run');
      if (!settings || errors.length > 0) throw invalid(errors, 'the canary stage is invalid');
      const { id: configId, config } = await loadCanaryConfig(deps, settings);
      const scoreThresholds = settings.scoreThresholds ?? config.classifier.scoreThresholds ?? DEFAULT_SCORE_THRESHOLDS;

      // A retry after a crash finds the run it created and keeps its start (and so its windows).
      const resultId = canaryResultIdFor(input.execution.id, input.stage.id, input.stage.startTime);
      const existing = await deps.results.get(resultId);
      const runStart = existing ? existing.startTime.getTime() : input.now;
      let start: number;
      let lifetimeMs: number;
      let warmupMs = settings.warmupMs;
      const first = settings.scopes[0];
      if (settings.analysisType === 'retrospective' && first && first.startTime !== null && first.endTime !== null) {
        start = first.startTime;
        lifetimeMs = first.endTime - first.startTime;
        warmupMs = 0;
      } else {
        start = runStart;
        lifetimeMs = settings.lifetimeMs as number;
      }
      const windows = canaryWindows({ start, lifetimeMs, intervalMs: settings.intervalMs, warmupMs, lookbackMs: settings.lookbackMs });
      const intervalMs = (windows[0]?.end ?? start) - (windows[0]?.start ?? start) || lifetimeMs;
      const canary = canaryStageOf(input.execution, input.stage) ?? (input.stage as Stage);
      const scopes = resolveScopes(settings, canary, input, intervalMs);
      const plan: CanaryAnalysisPlan = { resultId, windows, scopes, scoreThresholds, readyDelayMs: deps.sources.readyDelayMs(config), marginalAction: settings.marginalAction };
      await deps.results.create({
        id: resultId,
        executionId: input.execution.id,
        stageId: input.stage.id,
        application: input.execution.application,
        configId,
        configName: config.name,
        config: config as unknown as Record<string, unknown>,
        details: {
          analysisType: settings.analysisType,
          scoreThresholds,
          scopes,
          windows: windows.map((w) => ({ index: w.index, startTime: new Date(w.start).toISOString(), endTime: new Date(w.end).toISOString() })),
          marginalAction: settings.marginalAction,
          stageName: input.stage.name,
          pipelineName: input.execution.name,
          deployment: deploymentPlanOf(input.execution, canary),
        },
        startTime: new Date(runStart),
      });
      return {
        status: 'SUCCEEDED',
        context: { canaryResultId: resultId, canaryAnalysis: plan, canaryScores: [], canaryVerdicts: [] },
        outputs: { canaryResultId: resultId, canaryScores: [], intervalCount: windows.length },
      };
    },
  };
}

function metricScope(s: ResolvedScope, side: 'control' | 'experiment', w: CanaryWindow): MetricScope {
  return {
    scopeName: s.scopeName,
    scope: s[side].scope,
    location: s[side].location,
    start: w.start,
    end: w.end,
    stepMs: s.stepMs,
    extendedScopeParams: s.extendedScopeParams,
    ...(s.metricsAccount !== null ? { metricsAccount: s.metricsAccount } : {}),
  };
}

function verdictsOf(stage: Readonly<Stage>): IntervalVerdict[] {
  const v = stage.context['canaryVerdicts'];
  return Array.isArray(v) ? v.filter((x): x is IntervalVerdict => isPlainObject(x) && typeof x['score'] === 'number' && typeof x['classification'] === 'string') : [];
}

/**
 * One poll per interval: waits (RUNNING with a backoff) until the interval's data is complete,
 * then judges it and stores the judgment. Ends on the deciding interval.
 */
export function monitorCanaryAnalysisTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'monitorCanaryAnalysis',
    queue: 'canary',
    // A metric source outage is retried with backoff this many times before the canary fails.
    maxAttempts: 8,
    onCancel: cancel(deps),
    async execute(input: TaskInput): Promise<TaskResult> {
      const plan = analysisPlanOf(input.stage);
      if (!plan) throw new Error('startCanaryAnalysis recorded no plan');
      const verdicts = verdictsOf(input.stage);
      const window = plan.windows[verdicts.length];
      if (!window) return { status: 'SUCCEEDED' };
      const readyAt = window.end + plan.readyDelayMs;
      if (input.now < readyAt) {
        return { status: 'RUNNING', backoffMs: readyAt - input.now, context: { nextCanaryJudgmentAt: new Date(readyAt).toISOString() } };
      }
      const run = await deps.results.get(plan.resultId);
      if (!run) throw new Error(`canary run ${plan.resultId} is missing`);
      const config = run.config as unknown as CanaryConfig;
      const pairs: Record<string, ScopePair> = {};
      for (const s of plan.scopes) pairs[s.scopeName] = { control: metricScope(s, 'control', window), experiment: metricScope(s, 'experiment', window) };
      const data = await collectMetricData(deps.sources, config, pairs, { signal: input.signal });
      const result = judge(config, data.map((d) => ({ name: d.name, control: d.control, experiment: d.experiment })), { scoreThresholds: plan.scoreThresholds });
      const byName = new Map(data.map((d) => [d.name, d]));
      const judgment = {
        score: result.score,
        classification: result.classification,
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
        confidenceLevel: result.confidenceLevel,
        scoreThresholds: result.scoreThresholds,
        groups: result.groups,
        metrics: result.metrics.map((m) => {
          const d = byName.get(m.name);
          return { ...m, control: finiteValues(d?.control ?? []), experiment: finiteValues(d?.experiment ?? []), queries: d?.queries ?? null };
        }),
      };
      await deps.results.saveInterval({
        resultId: plan.resultId,
        index: window.index,
        startTime: new Date(window.start),
        endTime: new Date(window.end),
        judgedAt: new Date(input.now),
        score: result.score,
        classification: result.classification,
        judgment,
      });
      const all = [...verdicts, { score: result.score, classification: result.classification }];
      const scores = all.map((v) => v.score);
      const outputs: Record<string, unknown> = {
        canaryResultId: plan.resultId,
        canaryScores: scores,
        canaryScore: result.score,
        lastUpdatedScore: result.score,
        lastUpdated: input.now,
        lastUpdatedIso: new Date(input.now).toISOString(),
        lastIntervalClassification: result.classification,
      };
      const context: Record<string, unknown> = { ...outputs, canaryVerdicts: all, nextCanaryJudgmentAt: null };
      const decision = decideAfterInterval(all, plan.windows.length, plan.scoreThresholds);
      if (!decision.done) {
        const next = plan.windows[all.length] as CanaryWindow;
        return { status: 'RUNNING', backoffMs: Math.max(0, next.end + plan.readyDelayMs - input.now), context: { ...context, nextCanaryJudgmentAt: new Date(next.end + plan.readyDelayMs).toISOString() }, outputs };
      }
      const final = { ...outputs, overallScore: decision.score, overallResult: decision.result, canaryScoreMessage: decision.message, earlyStop: decision.earlyStop };
      const finalContext = { ...context, ...final };
      const pause = decision.result === 'Marginal' && plan.marginalAction === 'pause';
      if (decision.result === 'Pass') {
        await deps.results.finish(plan.resultId, { status: 'SUCCEEDED', classification: 'Pass', score: decision.score, message: decision.message, ended: true });
        return { status: 'SUCCEEDED', context: finalContext, outputs: final };
      }
      if (pause) {
        await deps.results.finish(plan.resultId, { status: 'RUNNING', classification: 'Marginal', score: decision.score, message: `${decision.message}; awaiting a manual judgment`, ended: false });
        return { status: 'SUCCEEDED', context: { ...finalContext, canaryAwaitingJudgment: true }, outputs: final };
      }
      await deps.results.finish(plan.resultId, { status: 'TERMINAL', classification: decision.result satisfies JudgeClassification, score: decision.score, message: decision.message, ended: true });
      return { status: 'TERMINAL', context: finalContext, outputs: final, error: { message: decision.message, code: `CANARY_${decision.result.toUpperCase()}` } };
    },
  };
}
