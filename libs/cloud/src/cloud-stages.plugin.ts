import type { StagePlugin } from '@gennaker/engine';
import type { CloudDeps } from './cloud-deps';
import { disableClusterStage, scaleDownClusterStage, shrinkClusterStage } from './stages/cluster.stages';
import { createServerGroupStage, deployStage, releaseClusterLockStage, rollbackFailedDeployStage, rollingRedBlackStepStage } from './stages/deploy.stage';
import { bakeStage, findImageStage } from './stages/image.stages';
import { watchAlarmsStage } from './stages/watch-alarms.stage';
import {
  destroyServerGroupStage,
  disableServerGroupStage,
  enableServerGroupStage,
  resizeServerGroupStage,
  rollbackClusterStage,
  rollbackServerGroupStage,
} from './stages/server-group.stages';
import { createBakeTask, monitorBakeTask } from './tasks/bake.task';
import { acquireClusterLockTask, releaseClusterLockTask } from './tasks/cluster-lock.task';
import { disableClusterTask, scaleDownClusterTask, shrinkClusterTask } from './tasks/cluster-ops.task';
import { clusterSizePreconditionTask } from './tasks/cluster-size-precondition.task';
import { createServerGroupTask, determineServerGroupNameTask, summarizeDeployTask, waitForUpInstancesTask } from './tasks/deploy.task';
import { findImageFromClusterTask } from './tasks/find-image.task';
import { rollbackFailedDeployTask } from './tasks/rollback-failed-deploy.task';
import { determineRollbackTargetsTask, disableRolledBackTask, restoreServerGroupsTask, waitForRestoredUpTask } from './tasks/rollback.task';
import { rollingResizeTask, rollingWeightsTask } from './tasks/rolling.task';
import { watchAlarmsTask } from './tasks/watch-alarms.task';
import {
  destroyServerGroupTask,
  determineTargetServerGroupsTask,
  disableServerGroupTask,
  enableServerGroupTask,
  resizeServerGroupTask,
  waitForCapacityTask,
  waitForDestroyedTask,
} from './tasks/server-group-ops.task';

/**
 * The cloud stages (bake, deploy with its strategies, findImage, server group and cluster
 * operations, rollbacks, the clusterSize precondition), written once over the provider port.
 * Needs the core stages too (deploy plans wait and manualJudgment stages).
 */
export function cloudStagesPlugin(deps: CloudDeps): StagePlugin {
  return {
    name: 'cloud',
    definitions: [
      bakeStage,
      findImageStage,
      deployStage,
      createServerGroupStage,
      rollingRedBlackStepStage,
      rollbackFailedDeployStage,
      releaseClusterLockStage,
      disableClusterStage,
      scaleDownClusterStage,
      shrinkClusterStage,
      resizeServerGroupStage,
      enableServerGroupStage,
      disableServerGroupStage,
      destroyServerGroupStage,
      rollbackClusterStage,
      rollbackServerGroupStage,
      watchAlarmsStage,
    ],
    tasks: [
      createBakeTask(deps),
      monitorBakeTask(deps),
      findImageFromClusterTask(deps),
      acquireClusterLockTask(deps),
      releaseClusterLockTask(deps),
      determineServerGroupNameTask(deps),
      createServerGroupTask(deps),
      waitForUpInstancesTask(deps),
      summarizeDeployTask,
      rollingResizeTask(deps),
      rollingWeightsTask(deps),
      rollbackFailedDeployTask(deps),
      watchAlarmsTask(deps),
      disableClusterTask(deps),
      scaleDownClusterTask(deps),
      shrinkClusterTask(deps),
      determineTargetServerGroupsTask(deps),
      resizeServerGroupTask(deps),
      waitForCapacityTask(deps),
      enableServerGroupTask(deps),
      disableServerGroupTask(deps),
      destroyServerGroupTask(deps),
      waitForDestroyedTask(deps),
      determineRollbackTargetsTask(deps),
      restoreServerGroupsTask(deps),
      waitForRestoredUpTask(deps),
      disableRolledBackTask(deps),
      clusterSizePreconditionTask(deps),
    ],
  };
}
