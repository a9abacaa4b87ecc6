import type { StageDefinition } from '@gennaker/engine';
import { isExpression } from '../capacity.util';
import { clusterStageErrors } from '../stage-context.util';
import { lockedTasks, releaseOnFailure } from './lock-plan.util';
import { clusterStageProperties, countOrExpr } from './schema.util';

const clusterRequired = { anyOf: [{ required: ['cluster'] }, { required: ['moniker'] }] };

function intErrors(ctx: Record<string, unknown>, key: string): Array<{ pointer: string; message: string }> {
  const v = ctx[key];
  if (v === undefined || isExpression(v)) return [];
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? [] : [{ pointer: `/${key}`, message: 'must be an integer >= 0' }];
}

export const disableClusterStage: StageDefinition = {
  type: 'disableCluster',
  label: 'Disable Cluster',
  description: 'Disables all but the newest (or largest) remainingEnabledServerGroups enabled server groups of a cluster.',
  contextSchema: {
    type: 'object',
    properties: {
      ...clusterStageProperties,
      remainingEnabledServerGroups: countOrExpr('Enabled groups to keep (default 1).'),
      preferLargerOverNewer: { type: ['boolean', 'string'] },
    },
    ...clusterRequired,
  },
  outputs: { disabledServerGroups: '[{serverGroupName, region, account}]' },
  example: { refId: '1', type: 'disableCluster', cluster: 'hello-demo', credentials: 'local', regions: ['local'], remainingEnabledServerGroups: 1 },
  taskTypes: ['disableCluster', 'acquireClusterLock', 'releaseClusterLock'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: (ctx) => [...clusterStageErrors(ctx), ...intErrors(ctx, 'remainingEnabledServerGroups')],
  plan: ({ stage }) => lockedTasks(stage.context, [{ name: 'disableCluster', type: 'disableCluster' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const scaleDownClusterStage: StageDefinition = {
  type: 'scaleDownCluster',
  label: 'Scale Down Cluster',
  description: 'Resizes to 0 all but the newest (or largest) remainingFullSizeServerGroups server groups of a cluster; only disabled ones unless allowScaleDownActive.',
  contextSchema: {
    type: 'object',
    properties: {
      ...clusterStageProperties,
      remainingFullSizeServerGroups: countOrExpr('Groups left at full size (default 1).'),
      preferLargerOverNewer: { type: ['boolean', 'string'] },
      allowScaleDownActive: { type: ['boolean', 'string'] },
    },
    ...clusterRequired,
  },
  outputs: { scaledDownServerGroups: '[{serverGroupName, region, account, capacity (before)}]' },
  example: { refId: '1', type: 'scaleDownCluster', cluster: 'hello-demo', credentials: 'local', regions: ['local'], remainingFullSizeServerGroups: 1 },
  taskTypes: ['scaleDownCluster', 'acquireClusterLock', 'releaseClusterLock'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: (ctx) => [...clusterStageErrors(ctx), ...intErrors(ctx, 'remainingFullSizeServerGroups')],
  plan: ({ stage }) => lockedTasks(stage.context, [{ name: 'scaleDownCluster', type: 'scaleDownCluster' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};

export const shrinkClusterStage: StageDefinition = {
  type: 'shrinkCluster',
  label: 'Shrink Cluster',
  description: 'Destroys all but the newest (or largest) shrinkToSize server groups of a cluster; only disabled ones unless allowDeleteActive.',
  contextSchema: {
    type: 'object',
    properties: {
      ...clusterStageProperties,
      shrinkToSize: countOrExpr('Groups to keep (default 1).'),
      allowDeleteActive: { type: ['boolean', 'string'] },
      retainLargerOverNewer: { type: ['boolean', 'string'] },
    },
    ...clusterRequired,
  },
  outputs: { destroyedServerGroups: '[{serverGroupName, region, account}]' },
  example: { refId: '1', type: 'shrinkCluster', cluster: 'hello-demo', credentials: 'local', regions: ['local'], shrinkToSize: 2 },
  taskTypes: ['shrinkCluster', 'acquireClusterLock', 'releaseClusterLock'],
  syntheticStageTypes: ['releaseClusterLock'],
  validate: (ctx) => [...clusterStageErrors(ctx), ...intErrors(ctx, 'shrinkToSize')],
  plan: ({ stage }) => lockedTasks(stage.context, [{ name: 'shrinkCluster', type: 'shrinkCluster' }]),
  onFailure: ({ stage }) => releaseOnFailure(stage.context),
};
