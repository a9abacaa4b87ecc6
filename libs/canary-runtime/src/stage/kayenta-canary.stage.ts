// The kayentaCanary stage (and Netflix's older `canary`, read through the same settings). It only
// plans: with a `deployments` block, a synthetic stage deploys baseline and canary first; the
// stage's own tasks run the analysis; an after-stage cleans up and records the verdict, and the
// same cleanup is planned on failure. A marginal verdict with `marginalAction: pause` waits at a
// synthetic manual judgment (PATCH the judgment stage with continue or stop), like Argo Rollouts
// pausing on an inconclusive analysis.

import type { StageDefinition, SyntheticStageSpec } from '@gennaker/engine';
import { readCanaryStage } from './canary-stage-context.util';

const durationOrNumber = (description: string) => ({ type: ['number', 'string'], description });

const scopeSchema = {
  type: 'object',
  properties: {
    scopeName: { type: 'string', description: 'Scope name; metrics pick one by their scopeName (default "default").' },
    controlScope: { type: 'string', description: 'The baseline: a server group (not needed in the default scope with deployments).' },
    controlLocation: { type: 'string', description: 'The baseline\'s region.' },
    experimentScope: { type: 'string', description: 'The canary: a server group.' },
    experimentLocation: { type: 'string', description: 'The canary\'s region.' },
    step: durationOrNumber('Seconds between data points (fractions allowed, or PT5S). Default: 60 s, or a tenth of the interval (at least 1 s) for intervals under 10 minutes.'),
    extendedScopeParams: { type: 'object', description: 'More template variables for the metric queries.' },
    startTimeIso: { type: 'string', description: 'Retrospective analysis: start of the analysed period.' },
    endTimeIso: { type: 'string', description: 'Retrospective analysis: end of the analysed period.' },
  },
};

const clusterSpecSchema = {
  type: 'object',
  description: 'A deploy cluster spec (application, stack, freeFormDetails, account, availabilityZones, capacity, loadBalancers...). Defaults: the baseline\'s application and account, the production stack, freeFormDetails "baseline" / "canary", the production group\'s load balancers, capacity 1.',
};

export const kayentaCanaryStage: StageDefinition = {
  type: 'kayentaCanary',
  aliases: ['canary'],
  label: 'Canary Analysis',
  description:
    'Automated canary analysis (Kayenta): judges the canary against the baseline every interval with the canary config\'s metrics (Mann-Whitney per metric, weighted groups) and decides on the last score. Optionally deploys the baseline and the canary first, gives them a share of traffic, and removes both afterwards whatever the outcome.',
  contextSchema: {
    type: 'object',
    properties: {
      analysisType: { enum: ['realTime', 'retrospective'], description: 'realTime (default) waits for each interval; retrospective judges a past period at once.' },
      marginalAction: { enum: ['fail', 'pause'], description: 'What a final Marginal score does: fail the stage (Kayenta, default) or wait at a manual judgment.' },
      canaryConfig: {
        type: 'object',
        properties: {
          canaryConfigId: { type: 'string', description: 'Id of a config stored with POST /api/v1/canary/configs.' },
          canaryConfigName: { type: 'string', description: 'Or its name.' },
          lifetimeDuration: { type: 'string', description: 'ISO-8601 duration of the analysis (PT1H, PT30S).' },
          lifetimeHours: durationOrNumber('Or the lifetime in hours (fractions allowed).'),
          lifetimeSeconds: durationOrNumber('Or the lifetime in seconds.'),
          canaryAnalysisIntervalMins: durationOrNumber('Minutes between judgments (fractions allowed: 0.25 = 15 s; or PT15S). Default: the lifetime (one judgment).'),
          canaryAnalysisIntervalSeconds: durationOrNumber('Or the interval in seconds.'),
          beginCanaryAnalysisAfterMins: durationOrNumber('Warm-up before the first interval starts, in minutes (fractions allowed).'),
          beginCanaryAnalysisAfterSeconds: durationOrNumber('Or the warm-up in seconds.'),
          lookbackMins: durationOrNumber('Judge only the last N minutes at each interval (default: everything since the analysis began).'),
          lookbackSeconds: durationOrNumber('Or the lookback in seconds.'),
          scopes: { type: 'array', items: scopeSchema },
          scoreThresholds: {
            type: 'object',
            properties: { marginal: durationOrNumber('At or below it the canary stops early; below pass at the end it is Marginal.'), pass: durationOrNumber('The final score must reach it to pass.') },
          },
          metricsAccountName: { type: 'string', description: 'The Prometheus or CloudWatch metrics account (accounts file, metricsAccounts) or cloud account to query.' },
          storageAccountName: { type: 'string', description: 'Accepted for Spinnaker compatibility; results are stored in Postgres.' },
          combinedCanaryResultStrategy: { type: 'string', description: 'Accepted for Spinnaker compatibility.' },
        },
      },
      deployments: {
        type: 'object',
        description: 'Deploy a baseline (the production image) and a canary (the new image) of the same size for the analysis; both are destroyed afterwards.',
        properties: {
          baseline: {
            type: 'object',
            description: 'The production cluster: its enabled server group gives the baseline\'s image and load balancers.',
            properties: { cloudProvider: { type: 'string' }, application: { type: 'string' }, account: { type: 'string' }, cluster: { type: 'string' }, region: { type: 'string' } },
          },
          serverGroupPairs: { type: 'array', items: { type: 'object', properties: { control: clusterSpecSchema, experiment: clusterSpecSchema } }, description: 'One {control, experiment} pair (one region per canary stage).' },
          trafficPercent: durationOrNumber('Share of the production load balancers\' traffic for each of baseline and canary where the provider weighs traffic (local); default 10. AWS shares by instances.'),
          delayBeforeCleanup: durationOrNumber('Seconds (or PT5M) to keep baseline and canary after the analysis.'),
        },
      },
      canary: { type: 'object', description: 'Netflix\'s older canary stage: canary.canaryConfig {lifetimeHours, canaryAnalysisConfig {name, canaryAnalysisIntervalMins...}, canaryHealthCheckHandler, canarySuccessCriteria}.' },
      clusterPairs: { type: 'array', items: { type: 'object' }, description: 'Netflix\'s older canary stage: [{baseline, canary}] cluster specs.' },
    },
  },
  outputs: {
    canaryResultId: 'the canary run (GET /api/v1/canary/results/{id})',
    canaryScores: 'the score of each judged interval',
    canaryScore: 'the last score (also lastUpdatedScore)',
    overallScore: 'the deciding score',
    overallResult: 'Pass, Marginal, Fail or NoData',
    canaryScoreMessage: 'why the canary ended as it did',
    canaryDeployment: '{account, region, baselineServerGroup, canaryServerGroup} with deployments',
  },
  example: {
    refId: '3',
    type: 'kayentaCanary',
    name: 'Canary',
    requisiteStageRefIds: ['2'],
    analysisType: 'realTime',
    canaryConfig: {
      canaryConfigId: 'hello-canary',
      lifetimeDuration: 'PT15S',
      canaryAnalysisIntervalMins: 0.0833,
      beginCanaryAnalysisAfterMins: 0,
      scopes: [{ scopeName: 'default', step: 1 }],
      scoreThresholds: { marginal: 50, pass: 75 },
    },
    deployments: {
      baseline: { cloudProvider: 'local', application: 'hello', account: 'local', cluster: 'hello-prod' },
      serverGroupPairs: [{ control: { availabilityZones: { local: [] }, capacity: { min: 1, max: 1, desired: 1 } }, experiment: { availabilityZones: { local: [] }, capacity: { min: 1, max: 1, desired: 1 } } }],
      trafficPercent: 25,
    },
    failPipeline: false,
    continuePipeline: true,
  },
  taskTypes: ['startCanaryAnalysis', 'monitorCanaryAnalysis'],
  syntheticStageTypes: ['deployCanaryServerGroups', 'canaryCleanup', 'manualJudgment'],
  validate: (context) => readCanaryStage(context, 'validate').errors,
  plan: ({ stage }) => {
    const ctx = stage.context;
    const { settings } = readCanaryStage(ctx, 'validate');
    const deploys = ctx['deployments'] !== undefined || (ctx['canary'] !== undefined && ctx['canaryConfig'] === undefined);
    const before: SyntheticStageSpec[] = deploys ? [{ type: 'deployCanaryServerGroups', name: 'Deploy baseline and canary', context: {} }] : [];
    const after: SyntheticStageSpec[] = [];
    if (settings?.marginalAction === 'pause') {
      after.push({
        type: 'manualJudgment',
        name: 'Canary is marginal: continue?',
        context: {
          instructions: 'The canary\'s final score is between the marginal and pass thresholds. Continue to treat it as a pass, or stop to fail the canary. See the canary report.',
          judgmentInputs: [],
          canaryMarginalJudgment: true,
          // Only when the analysis ended Marginal (the parent's outputs are visible to its children).
          stageEnabled: { type: 'expression', expression: "overallResult == 'Marginal'" },
        },
      });
    }
    after.push({ type: 'canaryCleanup', name: deploys ? 'Destroy baseline and canary' : 'Record the canary result', context: {} });
    return {
      tasks: [
        { name: 'startCanaryAnalysis', type: 'startCanaryAnalysis' },
        { name: 'monitorCanaryAnalysis', type: 'monitorCanaryAnalysis' },
      ],
      before,
      after,
    };
  },
  onFailure: () => [{ type: 'canaryCleanup', name: 'Clean up the canary', context: {} }],
};

export const deployCanaryServerGroupsStage: StageDefinition = {
  type: 'deployCanaryServerGroups',
  label: 'Deploy baseline and canary',
  description: 'Planned by a canary stage: creates the baseline and canary server groups and gives them traffic.',
  internal: true,
  taskTypes: ['prepareCanaryDeployment', 'setCanaryTraffic', 'createCanaryServerGroups', 'waitForCanaryServerGroups'],
  plan: () => ({
    tasks: [
      { name: 'prepareCanaryDeployment', type: 'prepareCanaryDeployment' },
      { name: 'setCanaryTraffic', type: 'setCanaryTraffic' },
      { name: 'createCanaryServerGroups', type: 'createCanaryServerGroups' },
      { name: 'waitForCanaryServerGroups', type: 'waitForCanaryServerGroups' },
    ],
  }),
};

export const canaryCleanupStage: StageDefinition = {
  type: 'canaryCleanup',
  label: 'Canary cleanup',
  description: 'Planned by a canary stage: destroys baseline and canary, restores the traffic weights, records how the canary run ended.',
  internal: true,
  taskTypes: ['cleanupCanaryDeployment', 'completeCanaryRun'],
  plan: () => ({
    tasks: [
      { name: 'cleanupCanaryDeployment', type: 'cleanupCanaryDeployment' },
      { name: 'completeCanaryRun', type: 'completeCanaryRun' },
    ],
  }),
};
