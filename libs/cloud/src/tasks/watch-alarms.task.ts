import { InputError } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { numberOr } from '../stage-context.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { pollMs, stageTarget } from './task.util';

/**
 * Polls the deploy's alarms for its watch window (under the deploy's cluster lock): one in ALARM
 * fails the stage, and the deploy's on-failure rollback puts the old group back. An alarm name
 * the provider does not know is bad input: a typo must not pass as a quiet alarm.
 */
export function watchAlarmsTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'watchAlarms',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const names = Array.isArray(ctx['alarms']) ? ctx['alarms'].filter((a): a is string => typeof a === 'string') : [];
      const windowMs = numberOr(ctx['alarmWatchSeconds'], 300) * 1000;
      const { provider, account, regions } = stageTarget(deps, ctx);
      const region = regions[0] as string;
      if (!provider.alarmStates) throw new InputError(`the ${provider.type} provider has no alarms to watch`, [{ pointer: '/alarms', message: `account ${account} (${provider.type}) cannot watch alarms` }]);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);

      const states = await provider.alarmStates(account, region, names);
      const missing = states.filter((s) => s.state === 'MISSING');
      if (missing.length > 0) {
        throw new InputError(`no alarm named ${missing.map((m) => m.name).join(', ')} in ${account}/${region}`, missing.map((m) => ({ pointer: `/alarms/${names.indexOf(m.name)}`, message: `no such alarm in ${account}/${region}` })));
      }
      const alarmStates = Object.fromEntries(states.map((s) => [s.name, s.state]));
      const firing = states.filter((s) => s.state === 'ALARM');
      if (firing.length > 0) {
        return {
          status: 'TERMINAL',
          context: { alarmStates },
          error: { message: `alarm ${firing.map((f) => `${f.name} is in ALARM${f.reason ? ` (${f.reason})` : ''}`).join('; ')} during the watch window: rolling back` },
        };
      }
      const remaining = windowMs - input.stageElapsedMs;
      if (remaining <= 0) return { status: 'SUCCEEDED', context: { alarmStates } };
      return { status: 'RUNNING', backoffMs: Math.max(1, Math.min(pollMs(provider), remaining)), context: { alarmStates } };
    },
  };
}
