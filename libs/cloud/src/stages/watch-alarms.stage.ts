import type { ErrorDetail } from '@gennaker/common';
import type { StageDefinition, SyntheticStageSpec } from '@gennaker/engine';
import { isExpression } from '../capacity.util';

/** Default watch window when a deploy lists alarms without one (CodeDeploy-like). */
export const DEFAULT_ALARM_WATCH_SECONDS = 300;

/**
 * Deploy cluster keys for rollback on alarms, after AWS CodeDeploy: `alarms` (names of the
 * provider's alarms, CloudWatch on AWS) and `alarmWatchSeconds` (how long to watch once the new
 * group serves). Validate-time checks; pointers relative to the cluster.
 */
export function alarmOptionsErrors(cluster: Record<string, unknown>): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const alarms = cluster['alarms'];
  if (alarms !== undefined && !isExpression(alarms)) {
    if (!Array.isArray(alarms)) errors.push({ pointer: '/alarms', message: 'must be a list of alarm names' });
    else {
      if (alarms.length > 100) errors.push({ pointer: '/alarms', message: 'at most 100 alarms' });
      alarms.forEach((a, i) => {
        if (typeof a !== 'string' || a.trim() === '') errors.push({ pointer: `/alarms/${i}`, message: 'must be an alarm name' });
      });
    }
  }
  const window = cluster['alarmWatchSeconds'];
  if (window !== undefined && !isExpression(window) && (!Number.isInteger(window) || (window as number) < 0 || (window as number) > 86_400)) {
    errors.push({ pointer: '/alarmWatchSeconds', message: 'must be an integer from 0 to 86400' });
  }
  return errors;
}

/**
 * The watch a deploy's createServerGroup plans when its cluster lists alarms: after the new group
 * serves (the old ones disabled and scaled down) and before anything is destroyed (shrink,
 * highlander), so that a rollback can still put the old group back.
 */
export function withAlarmWatch(after: SyntheticStageSpec[], ctx: Record<string, unknown>, base: Record<string, unknown>): SyntheticStageSpec[] {
  const alarms = Array.isArray(ctx['alarms']) ? ctx['alarms'].filter((a): a is string => typeof a === 'string' && a !== '') : [];
  if (alarms.length === 0) return after;
  const seconds = Number.isInteger(ctx['alarmWatchSeconds']) ? (ctx['alarmWatchSeconds'] as number) : DEFAULT_ALARM_WATCH_SECONDS;
  const watch: SyntheticStageSpec = {
    type: 'watchAlarms',
    name: `Watch ${alarms.length} alarm${alarms.length > 1 ? 's' : ''} for ${seconds} s`,
    context: { ...base, alarms, alarmWatchSeconds: seconds },
  };
  const at = after.findIndex((s) => s.type === 'shrinkCluster');
  return at < 0 ? [...after, watch] : [...after.slice(0, at), watch, ...after.slice(at)];
}

export const watchAlarmsStage: StageDefinition = {
  type: 'watchAlarms',
  label: 'Watch alarms',
  description: 'Fails (and so rolls the deploy back) when one of the listed alarms is in ALARM during the watch window.',
  internal: true,
  taskTypes: ['watchAlarms'],
  plan: () => ({ tasks: [{ name: 'watchAlarms', type: 'watchAlarms' }] }),
};
