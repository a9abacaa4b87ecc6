// @gennaker/canary-runtime: canary analysis end to end (metric source adapters, config and result
// storage, the kayentaCanary stage and its tasks, the services of the canary API).

export * from './tokens';
export * from './canary-deps';
export * from './canary-settings';
export * from './canary-stages.plugin';
export * from './canary-runtime.module';
export * from './duration.util';
export * from './entities/canary-config.entity';
export * from './entities/canary-result.entity';
export * from './entities/canary-interval.entity';
export * from './migrations/1764190000000-canary-tables';
export * from './store/canary-store.port';
export * from './store/canary-config.repository';
export * from './store/canary-result.repository';
export * from './sources/prometheus.source';
export * from './sources/cloudwatch.source';
export * from './sources/local.source';
export * from './sources/metric-sources.factory';
export * from './services/canary-config.service';
export * from './services/canary-judge.service';
export * from './services/canary-result.service';
export * from './stage/canary-stage-context.util';
export * from './stage/canary-schedule.util';
export * from './stage/canary-decision.util';
export * from './stage/canary-deployments.util';
export * from './stage/canary-execution.util';
export * from './stage/kayenta-canary.stage';
export { startCanaryAnalysisTask, monitorCanaryAnalysisTask, type CanaryAnalysisPlan, type ResolvedScope } from './stage/canary-analysis.task';
export { cleanupCanaryDeploymentTask, completeCanaryRunTask, cleanupCanaryNow, destroyCanaryGroups } from './stage/cleanup-canary.task';
export { prepareCanaryDeploymentTask, setCanaryTrafficTask, createCanaryServerGroupsTask, waitForCanaryServerGroupsTask } from './stage/deploy-canary.task';

import { CanaryConfigEntity } from './entities/canary-config.entity';
import { CanaryIntervalEntity } from './entities/canary-interval.entity';
import { CanaryResultEntity } from './entities/canary-result.entity';

/** The canary tables' entities, for the data source. */
export const CANARY_ENTITIES = [CanaryConfigEntity, CanaryResultEntity, CanaryIntervalEntity];
