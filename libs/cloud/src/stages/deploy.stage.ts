import { isPlainObject } from '@gennaker/common';
import type { StageDefinition, SyntheticStageSpec } from '@gennaker/engine';
import { deployClusterErrors, clusterNameOf } from '../deploy-spec.util';
import { accountOf, lockKey, regionsOf } from '../stage-context.util';
import { strategyOptions, strategySteps, type StrategyStep } from '../strategy.util';
import { releaseLockStage } from './lock-plan.util';
import { withAlarmWatch } from './watch-alarms.stage';
import { capacitySchema, countOrExpr } from './schema.util';

const clusterItemSchema = {
  type: 'object',
  description: 'One cluster to deploy (Spinnaker\'s deploy cluster). Provider-specific keys (instanceType, subnetType, ...) pass through; the local provider ignores AWS-only ones.',
  properties: {
    application: { type: 'string', description: 'Application: the first part of the Frigga name.' },
    stack: { type: 'string', description: 'Stack: the second part (e.g. prod, test).' },
    freeFormDetails: { type: 'string', description: 'Detail: the third part.' },
    account: { type: 'string', minLength: 1 },
    credentials: { type: 'string', minLength: 1 },
    cloudProvider: { type: 'string' },
    provider: { type: 'string' },
    region: { type: 'string' },
    availabilityZones: { type: 'object', description: 'Regions to deploy in, each with its zones: {"us-east-1": ["us-east-1a"]}; local: {"local": []}.', additionalProperties: { type: 'array', items: { type: 'string' } } },
    capacity: capacitySchema,
    targetSize: countOrExpr('Kubernetes-style size (used as min = max = desired when capacity is absent).'),
    useSourceCapacity: { type: 'boolean', description: 'Copy the capacity of the cluster\'s current server group.' },
    strategy: { type: 'string', description: 'redblack, rollingredblack, highlander, or none ("").' },
    maxRemainingAsgs: countOrExpr('Red/black: server groups to keep, the new one included; older disabled ones are destroyed.'),
    scaleDown: { type: 'boolean', description: 'Red/black: resize the disabled groups to 0.' },
    delayBeforeDisableSec: countOrExpr('Red/black: wait before disabling the old groups.'),
    delayBeforeScaleDownSec: countOrExpr('Red/black: wait before scaling them down.'),
    targetHealthyDeployPercentage: countOrExpr('Percent of the new group\'s instances that must be up before the old ones are disabled (default 100).'),
    targetPercentages: { type: 'array', items: { type: 'number' }, description: 'Rolling red/black: steps, e.g. [25, 50, 100].' },
    delayBetweenStepsSec: countOrExpr('Rolling red/black: pause between steps.'),
    judgmentBetweenSteps: { type: 'boolean', description: 'Rolling red/black: a manual judgment before each step after the first.' },
    rollback: { type: 'object', properties: { onFailure: { type: 'boolean', description: 'Destroy the new group when the deploy fails.' } } },
    alarms: { type: 'array', items: { type: 'string' }, description: 'Alarms (AWS: CloudWatch) watched once the new group serves; one in ALARM rolls the deploy back.' },
    alarmWatchSeconds: countOrExpr('How long to watch the alarms (default 300).'),
    loadBalancers: { type: 'array', items: { type: 'string' } },
    targetGroups: { type: 'array', items: { type: 'string' } },
    securityGroups: { type: 'array', items: { type: 'string' } },
    imageId: { type: 'string', description: 'Image to deploy (else from an upstream bake or findImage).' },
    amiName: { type: 'string' },
    tags: { type: 'object' },
    env: { type: 'object', description: 'Local provider: environment for the instances.', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    healthCheckPath: { type: 'string', description: 'Local provider: HTTP path checked on each instance (default /health).' },
    localLoadBalancers: {
      type: 'object',
      description: 'Local provider: port of each load balancer: {"hello-demo": {"port": 8100}} (allocated when absent).',
      additionalProperties: { type: 'object', properties: { port: { type: 'integer', minimum: 1, maximum: 65535 } } },
    },
  },
};

export const deployStage: StageDefinition = {
  type: 'deploy',
  label: 'Deploy',
  description:
    'Deploys each cluster (in each of its regions, in parallel) as a new server group, with a strategy: redblack, rollingredblack, highlander or none. The old group is never disabled before the new one is healthy.',
  contextSchema: {
    type: 'object',
    properties: { clusters: { type: 'array', minItems: 1, items: clusterItemSchema } },
    required: ['clusters'],
  },
  outputs: {
    'deploy.server.groups': 'region -> [new server group names]',
    'deploy.account.name': 'the account deployed to',
    deployedServerGroups: '[{serverGroup, region, account, cluster}] (what a canary stage reads)',
  },
  example: {
    refId: '2',
    type: 'deploy',
    name: 'Deploy',
    requisiteStageRefIds: ['1'],
    clusters: [
      {
        application: 'hello',
        stack: 'demo',
        account: 'local',
        cloudProvider: 'local',
        availabilityZones: { local: [] },
        capacity: { min: 2, max: 2, desired: 2 },
        strategy: 'redblack',
        maxRemainingAsgs: 2,
        scaleDown: true,
        loadBalancers: ['hello-demo'],
        localLoadBalancers: { 'hello-demo': { port: 8100 } },
        rollback: { onFailure: true },
      },
    ],
  },
  taskTypes: ['summarizeDeploy'],
  syntheticStageTypes: ['createServerGroup'],
  validate(context) {
    const clusters = context['clusters'];
    if (!Array.isArray(clusters)) return [];
    return clusters.flatMap((c, i) => deployClusterErrors(c).map((e) => ({ pointer: `/clusters/${i}${e.pointer}`, message: e.message })));
  },
  plan: ({ stage }) => {
    const ctx = stage.context;
    const clusters = Array.isArray(ctx['clusters']) ? ctx['clusters'] : [];
    const before: SyntheticStageSpec[] = [];
    clusters.forEach((raw, i) => {
      const c = isPlainObject(raw) ? raw : {};
      const regions = regionsOf(c);
      for (const region of regions.length > 0 ? regions : ['']) {
        const cluster = clusterNameOf(c);
        const account = accountOf(c) ?? '';
        before.push({
          type: 'createServerGroup',
          name: `Deploy ${cluster} in ${region || '?'}`,
          refId: `${i + 1}-${region}`,
          requisiteStageRefIds: [],
          context: {
            ...c,
            account,
            region,
            regions: [region],
            regionPointer: c['availabilityZones'] !== undefined ? '/availabilityZones' : c['region'] !== undefined ? '/region' : '/availabilityZones',
            cluster,
            pointerBase: `/clusters/${i}`,
            clusterLockKeys: [lockKey(account, region, cluster)],
            ...(ctx['overrideTimeout'] === true && ctx['stageTimeoutMs'] !== undefined ? { overrideTimeout: true, stageTimeoutMs: ctx['stageTimeoutMs'] } : {}),
          },
        });
      }
    });
    return { tasks: [{ name: 'summarizeDeploy', type: 'summarizeDeploy' }], before };
  },
};

/** What each strategy step becomes: a synthetic stage under the deploy's lock. */
function stepStage(step: StrategyStep, base: Record<string, unknown>, pct: number): SyntheticStageSpec {
  switch (step.kind) {
    case 'wait':
      return { type: 'wait', name: step.name, context: { waitTime: step.seconds } };
    case 'judgment':
      return { type: 'manualJudgment', name: step.name, context: { instructions: step.instructions, judgmentInputs: [] } };
    case 'rollingStep':
      return { type: 'rollingRedBlackStep', name: `Scale the new server group to ${step.percentage}%`, context: { ...base, percentage: step.percentage, index: step.index, targetHealthyDeployPercentage: pct } };
    case 'disableCluster':
      return {
        type: 'disableCluster',
        name: 'Disable the older server groups',
        context: { ...base, remainingEnabledServerGroups: step.remainingEnabledServerGroups, preferLargerOverNewer: false, targetHealthyDeployPercentage: pct },
      };
    case 'scaleDownCluster':
      return {
        type: 'scaleDownCluster',
        name: 'Scale down the older server groups',
        context: { ...base, remainingFullSizeServerGroups: step.remainingFullSizeServerGroups, preferLargerOverNewer: false, allowScaleDownActive: false },
      };
    case 'shrinkCluster':
      return {
        type: 'shrinkCluster',
        name: step.allowDeleteActive ? 'Destroy every other server group' : `Shrink the cluster to ${step.shrinkToSize}`,
        context: { ...base, shrinkToSize: step.shrinkToSize, allowDeleteActive: step.allowDeleteActive, retainLargerOverNewer: false },
      };
  }
}

function lockBase(ctx: Record<string, unknown>): Record<string, unknown> {
  return {
    credentials: ctx['account'],
    regions: [ctx['region']],
    cluster: ctx['cluster'],
    ...(ctx['cloudProvider'] !== undefined ? { cloudProvider: ctx['cloudProvider'] } : {}),
    clusterLockKeys: ctx['clusterLockKeys'],
    lockHeldByParent: true,
    protectParentServerGroup: true,
  };
}

/**
 * One cluster in one region (planned by deploy): under the cluster lock, record the new name,
 * create the group, wait for it to be healthy, then run the strategy's steps; on failure put the
 * old groups back and destroy (or disable) the new one.
 */
export const createServerGroupStage: StageDefinition = {
  type: 'createServerGroup',
  label: 'Create server group',
  description: 'One cluster of a deploy in one region, with its strategy.',
  internal: true,
  taskTypes: ['acquireClusterLock', 'determineServerGroupName', 'createServerGroup', 'waitForUpInstances'],
  syntheticStageTypes: ['wait', 'manualJudgment', 'rollingRedBlackStep', 'disableCluster', 'scaleDownCluster', 'shrinkCluster', 'watchAlarms', 'releaseClusterLock', 'rollbackFailedDeploy'],
  plan: ({ stage }) => {
    const ctx = stage.context;
    let steps: StrategyStep[] = [];
    let pct = 100;
    try {
      const o = strategyOptions(ctx);
      steps = strategySteps(o);
      pct = o.targetHealthyDeployPercentage;
    } catch {
      // Bad options: determineServerGroupName reports them with their pointers, before any change.
    }
    const base = lockBase(ctx);
    return {
      tasks: [
        { name: 'acquireClusterLock', type: 'acquireClusterLock' },
        { name: 'determineServerGroupName', type: 'determineServerGroupName' },
        { name: 'createServerGroup', type: 'createServerGroup' },
        { name: 'waitForUpInstances', type: 'waitForUpInstances' },
      ],
      after: [...withAlarmWatch(steps.map((s) => stepStage(s, base, pct)), ctx, base), releaseLockStage(base)],
    };
  },
  onFailure: ({ stage }) => {
    const ctx = stage.context;
    const base = lockBase(ctx);
    const rollback = ctx['rollback'];
    return [
      {
        type: 'rollbackFailedDeploy',
        name: 'Roll back the failed deploy',
        context: { ...base, destroyOnFailure: isPlainObject(rollback) && rollback['onFailure'] === true },
      },
      releaseLockStage(base),
    ];
  },
};

export const rollingRedBlackStepStage: StageDefinition = {
  type: 'rollingRedBlackStep',
  label: 'Rolling red/black step',
  description: 'Grows the new server group to a share of its capacity, waits for it, and shifts that share of traffic.',
  internal: true,
  taskTypes: ['rollingResize', 'waitForUpInstances', 'rollingWeights'],
  plan: () => ({
    tasks: [
      { name: 'rollingResize', type: 'rollingResize' },
      { name: 'waitForUpInstances', type: 'waitForUpInstances' },
      { name: 'rollingWeights', type: 'rollingWeights' },
    ],
  }),
};

export const rollbackFailedDeployStage: StageDefinition = {
  type: 'rollbackFailedDeploy',
  label: 'Roll back a failed deploy',
  description: 'Puts back what a failed deploy disabled or scaled down and removes the new server group from service.',
  internal: true,
  taskTypes: ['rollbackFailedDeploy'],
  plan: () => ({ tasks: [{ name: 'rollbackFailedDeploy', type: 'rollbackFailedDeploy' }] }),
};

export const releaseClusterLockStage: StageDefinition = {
  type: 'releaseClusterLock',
  label: 'Release cluster lock',
  description: 'Lets the next execution change the cluster.',
  internal: true,
  taskTypes: ['releaseClusterLock'],
  plan: () => ({ tasks: [{ name: 'releaseClusterLock', type: 'releaseClusterLock' }] }),
};
