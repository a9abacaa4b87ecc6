import { isPlainObject } from '@gennaker/common';
import type { StageDefinition } from '@gennaker/engine';
import { capacityErrors, isExpression, RESIZE_ACTIONS } from '../capacity.util';
import { isTarget, TARGETS } from '../cluster.util';
import { validateServerGroupName } from '../frigga.util';
import { clusterStageErrors } from '../stage-context.util';
import { lockedTasks, releaseOnFailure } from './lock-plan.util';
import { capacitySchema, countOrExpr, serverGroupStageProperties } from './schema.util';

const targetOrName = { anyOf: [{ required: ['serverGroupName'] }, { required: ['asgName'] }, { required: ['cluster'] }, { required: ['moniker'] }] };

function targetErrors(ctx: Record<string, unknown>): Array<{ pointer: string; message: string }> {
  const errors = clusterStageErrors(ctx, { serverGroupAllowed: true });
  const hasName = typeof (ctx['serverGroupName'] ?? ctx['asgName']) === 'string';
  const t = ctx['target'];
  if (!hasName && t !== undefined && !isExpression(t) && !isTarget(t)) errors.push({ pointer: '/target', message: `must be one of ${TARGETS.join(', ')}` });
  return errors;
}

const determine = { name: 'determineTargetServerGroups', type: 'determineTargetServerGroups' };
const commonTasks = ['determineTargetServerGroups', 'acquireClusterLock', 'releaseClusterLock'];

export const resizeServerGroupStage: StageDefinition = {
  type: 'resizeServerGroup',
  label: 'Resize Server Group',
  description: 'Resizes a server group (by name, or the target of a cluster): to an exact capacity, or up/down by instances or percent; waits for the new size.',
  contextSchema: {
    type: 'object',
    properties: {
      ...serverGroupStageProperties,
      action: { enum: [...RESIZE_ACTIONS] },
      capacity: capacitySchema,
      resizeType: { enum: ['pct', 'incr', 'exact'] },
      scaleNum: countOrExpr('Instances to add or remove (resizeType incr).'),
      scalePct: countOrExpr('Percent to add or remove (resizeType pct).'),
    },
    ...targetOrName,
  },
  outputs: { serverGroups: '[{serverGroupName, region, account, capacity (before)}]' },
  example: { refId: '1', type: 'resizeServerGroup', cluster: 'hello-demo', credentials: 'local', regions: ['local'], target: 'current_asg_dynamic', action: 'scale_exact', capacity: { min: 3, max: 3, desired: 3 } },
  taskTypes: [...commonTasks, 'resizeServerGroup', 'waitForCapacity'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate(ctx) {
    const errors = targetErrors(ctx);
    const action = ctx['action'] ?? 'scale_exact';
    if (action === 'scale_exact' && ctx['capacity'] !== undefined) errors.push(...capacityErrors(ctx['capacity'], '/capacity', { partial: true }));
    if (action === 'scale_exact' && !isPlainObject(ctx['capacity'])) errors.push({ pointer: '/capacity', message: 'scale_exact needs a capacity' });
    return errors;
  },
  plan: ({ stage }) =>
    lockedTasks(stage.context, [determine, { name: 'resizeServerGroup', type: 'resizeServerGroup' }, { name: 'waitForCapacity', type: 'waitForCapacity' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const enableServerGroupStage: StageDefinition = {
  type: 'enableServerGroup',
  label: 'Enable Server Group',
  description: 'Puts a server group (back) behind its load balancers.',
  contextSchema: { type: 'object', properties: serverGroupStageProperties, ...targetOrName },
  outputs: { serverGroups: '[{serverGroupName, region, account}]' },
  example: { refId: '1', type: 'enableServerGroup', cluster: 'hello-demo', credentials: 'local', regions: ['local'], target: 'ancestor_asg_dynamic' },
  taskTypes: [...commonTasks, 'enableServerGroup'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: targetErrors,
  plan: ({ stage }) => lockedTasks(stage.context, [determine, { name: 'enableServerGroup', type: 'enableServerGroup' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const disableServerGroupStage: StageDefinition = {
  type: 'disableServerGroup',
  label: 'Disable Server Group',
  description: 'Takes a server group out of its load balancers; its instances keep running.',
  contextSchema: { type: 'object', properties: serverGroupStageProperties, ...targetOrName },
  outputs: { serverGroups: '[{serverGroupName, region, account}]' },
  example: { refId: '1', type: 'disableServerGroup', cluster: 'hello-demo', credentials: 'local', regions: ['local'], target: 'ancestor_asg_dynamic' },
  taskTypes: [...commonTasks, 'disableServerGroup'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: targetErrors,
  plan: ({ stage }) => lockedTasks(stage.context, [determine, { name: 'disableServerGroup', type: 'disableServerGroup' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const destroyServerGroupStage: StageDefinition = {
  type: 'destroyServerGroup',
  label: 'Destroy Server Group',
  description: 'Disables, then destroys a server group (by name, or the target of a cluster) and waits until it is gone.',
  contextSchema: { type: 'object', properties: serverGroupStageProperties, ...targetOrName },
  outputs: { serverGroups: '[{serverGroupName, region, account}]' },
  example: { refId: '1', type: 'destroyServerGroup', cluster: 'hello-demo', credentials: 'local', regions: ['local'], target: 'oldest_asg_dynamic' },
  taskTypes: [...commonTasks, 'disableServerGroup', 'destroyServerGroup', 'waitForDestroyedServerGroup'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: targetErrors,
  plan: ({ stage }) =>
    lockedTasks(stage.context, [
      determine,
      { name: 'disableServerGroup', type: 'disableServerGroup' },
      { name: 'destroyServerGroup', type: 'destroyServerGroup' },
      { name: 'waitForDestroyedServerGroup', type: 'waitForDestroyedServerGroup' },
    ]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

const rollbackTasks = [
  { name: 'determineRollbackTargets', type: 'determineRollbackTargets' },
  { name: 'restoreServerGroups', type: 'restoreServerGroups' },
  { name: 'waitForRestoredUp', type: 'waitForRestoredUp' },
  { name: 'disableRolledBackServerGroups', type: 'disableRolledBackServerGroups' },
];
const rollbackTaskTypes = ['acquireClusterLock', 'releaseClusterLock', ...rollbackTasks.map((t) => t.type)];

export const rollbackClusterStage: StageDefinition = {
  type: 'rollbackCluster',
  label: 'Rollback Cluster',
  description:
    'Rolls a cluster back in each region: the newest server group\'s predecessor is sized like it, enabled and waited for; then the newest is disabled (it keeps running for a quick undo).',
  contextSchema: {
    type: 'object',
    properties: { ...serverGroupStageProperties, targetHealthyRollbackPercentage: countOrExpr('Percent of the restored group that must be up (default 100).') },
    ...targetOrName,
  },
  outputs: { rollbackTargets: '[{region, rollbackServerGroupName, restoreServerGroupName}]' },
  example: { refId: '5', type: 'rollbackCluster', cluster: 'hello-demo', credentials: 'local', regions: ['local'] },
  taskTypes: rollbackTaskTypes,
  syntheticStageTypes: ['releaseClusterLock'],
  validate: (ctx) => clusterStageErrors(ctx, { serverGroupAllowed: true }),
  plan: ({ stage }) => lockedTasks(stage.context, rollbackTasks),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const rollbackServerGroupStage: StageDefinition = {
  type: 'rollbackServerGroup',
  label: 'Rollback Server Group',
  description:
    'Rolls one server group back to another: rollbackContext {rollbackServerGroupName, restoreServerGroupName} (Spinnaker\'s EXPLICIT rollback), or serverGroupName and its predecessor.',
  contextSchema: {
    type: 'object',
    properties: {
      ...serverGroupStageProperties,
      rollbackType: { enum: ['EXPLICIT', 'PREVIOUS'] },
      rollbackContext: {
        type: 'object',
        properties: { rollbackServerGroupName: { type: 'string' }, restoreServerGroupName: { type: 'string' } },
      },
      targetHealthyRollbackPercentage: countOrExpr('Percent of the restored group that must be up (default 100).'),
    },
  },
  outputs: { rollbackTargets: '[{region, rollbackServerGroupName, restoreServerGroupName}]' },
  example: { refId: '1', type: 'rollbackServerGroup', serverGroupName: 'hello-demo-v002', credentials: 'local', region: 'local' },
  taskTypes: rollbackTaskTypes,
  syntheticStageTypes: ['releaseClusterLock'],
  validate(ctx) {
    const rc = isPlainObject(ctx['rollbackContext']) ? ctx['rollbackContext'] : {};
    const name = rc['rollbackServerGroupName'] ?? ctx['serverGroupName'];
    const errors = clusterStageErrors({ ...ctx, serverGroupName: name }, { serverGroupAllowed: true });
    for (const key of ['rollbackServerGroupName', 'restoreServerGroupName']) {
      if (rc[key] !== undefined && !isExpression(rc[key])) errors.push(...validateServerGroupName(rc[key], `/rollbackContext/${key}`));
    }
    return errors.map((e) => (e.pointer === '/serverGroupName' && ctx['serverGroupName'] === undefined ? { ...e, pointer: '/rollbackContext/rollbackServerGroupName' } : e));
  },
  plan: ({ stage }) => lockedTasks(stage.context, rollbackTasks),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};
