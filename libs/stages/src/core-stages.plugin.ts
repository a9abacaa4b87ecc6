import type { ExecutionLauncher, StagePlugin } from '@gennaker/engine';
import { checkPreconditionsStage, checkPreconditionStage, expressionPreconditionTask } from './preconditions/check-preconditions.stage';
import { evaluateVariablesStage, evaluateVariablesTask } from './evaluate-variables/evaluate-variables.stage';
import { manualJudgmentStage, waitForJudgmentTask } from './manual-judgment/manual-judgment.stage';
import { monitorPipelineTask, pipelineStage, startPipelineTask } from './pipeline/pipeline.stage';
import { waitStage, waitTask } from './wait/wait.stage';
import { allowAllUrls, createWebhookTask, monitorWebhookTask, webhookStage, type UrlGuard } from './webhook/webhook.stage';

export interface CoreStagesOptions {
  launcher: ExecutionLauncher;
  urlGuard?: UrlGuard;
}

/** The stages every install has: wait, manual judgment, preconditions, variables, webhook, pipeline. */
export function coreStagesPlugin(options: CoreStagesOptions): StagePlugin {
  const guard = options.urlGuard ?? allowAllUrls;
  return {
    name: 'core',
    definitions: [waitStage, manualJudgmentStage, checkPreconditionsStage, checkPreconditionStage, evaluateVariablesStage, webhookStage, pipelineStage],
    tasks: [
      waitTask,
      waitForJudgmentTask,
      expressionPreconditionTask,
      evaluateVariablesTask,
      createWebhookTask(guard),
      monitorWebhookTask(guard),
      startPipelineTask(options.launcher),
      monitorPipelineTask(options.launcher),
    ],
  };
}
