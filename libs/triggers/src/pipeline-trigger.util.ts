import type { TriggerConfig } from '@gennaker/pipeline';
import type { MatchOutcome } from './git-trigger.util';

export type PipelineTriggerStatus = 'successful' | 'failed' | 'canceled';
export const PIPELINE_TRIGGER_STATUSES: readonly PipelineTriggerStatus[] = ['successful', 'failed', 'canceled'];

/** How a final execution status reads in a pipeline trigger's `status` list (as Echo maps it). */
export function triggerStatusOf(status: string): PipelineTriggerStatus | null {
  switch (status) {
    case 'SUCCEEDED':
      return 'successful';
    case 'TERMINAL':
    case 'STOPPED':
      return 'failed';
    case 'CANCELED':
      return 'canceled';
    default:
      return null;
  }
}

export interface FinishedExecution {
  application: string;
  pipelineConfigId: string | null;
  name: string;
  status: string;
}

/**
 * A `{type: 'pipeline', application, pipeline, status: [...]}` trigger fires when the named pipeline
 * (by id, or by name within the application) ends with one of the statuses (default: successful).
 */
export function matchPipelineTrigger(trigger: TriggerConfig, finished: FinishedExecution): MatchOutcome {
  if (trigger.type !== 'pipeline') return { fired: false, reason: `a ${trigger.type} trigger` };
  if (trigger.enabled === false) return { fired: false, reason: 'trigger disabled' };
  const app = trigger['application'];
  const pipeline = trigger['pipeline'];
  if (typeof app === 'string' && app !== '' && app !== finished.application) return { fired: false, reason: `application ${finished.application} is not ${app}` };
  if (pipeline !== finished.pipelineConfigId && !(pipeline === finished.name && (app === undefined || app === finished.application))) {
    return { fired: false, reason: `pipeline ${finished.name} is not ${String(pipeline)}` };
  }
  const wanted = Array.isArray(trigger['status']) && trigger['status'].length > 0 ? (trigger['status'] as unknown[]).map(String) : ['successful'];
  const got = triggerStatusOf(finished.status);
  if (got === null || !wanted.includes(got)) return { fired: false, reason: `status ${got ?? finished.status} is not one of ${wanted.join(', ')}` };
  return { fired: true };
}
