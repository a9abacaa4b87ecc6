import type { StagePlugin } from '@gennaker/engine';
import type { CanaryDeps } from './canary-deps';
import { monitorCanaryAnalysisTask, startCanaryAnalysisTask } from './stage/canary-analysis.task';
import { cleanupCanaryDeploymentTask, completeCanaryRunTask } from './stage/cleanup-canary.task';
import { createCanaryServerGroupsTask, prepareCanaryDeploymentTask, setCanaryTrafficTask, waitForCanaryServerGroupsTask } from './stage/deploy-canary.task';
import { canaryCleanupStage, deployCanaryServerGroupsStage, kayentaCanaryStage } from './stage/kayenta-canary.stage';

/**
 * The canary stages: kayentaCanary (alias canary) and the synthetic stages it plans. Needs the
 * core stages too (a marginal canary may wait at a manualJudgment).
 */
export function canaryStagesPlugin(deps: CanaryDeps): StagePlugin {
  return {
    name: 'canary',
    definitions: [kayentaCanaryStage, deployCanaryServerGroupsStage, canaryCleanupStage],
    tasks: [
      startCanaryAnalysisTask(deps),
      monitorCanaryAnalysisTask(deps),
      prepareCanaryDeploymentTask(deps),
      setCanaryTrafficTask(deps),
      createCanaryServerGroupsTask(deps),
      waitForCanaryServerGroupsTask(deps),
      cleanupCanaryDeploymentTask(deps),
      completeCanaryRunTask(deps),
    ],
  };
}
