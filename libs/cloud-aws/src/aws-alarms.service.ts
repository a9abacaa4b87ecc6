import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmState } from '@gennaker/cloud';
import type { AwsClientFactory } from './aws-client.factory';
import { awsCall } from './aws-errors.util';

/** CloudWatch alarms by name, for deploys that roll back when one fires (as CodeDeploy does). */
export class AwsAlarmsService {
  constructor(private readonly factory: AwsClientFactory) {}

  async states(account: string, region: string, names: string[]): Promise<AlarmState[]> {
    const c = this.factory.clients(account, region);
    const wanted = [...new Set(names)];
    const found = new Map<string, AlarmState>();
    // DescribeAlarms takes at most 100 names per call; each call may still page.
    for (let i = 0; i < wanted.length; i += 100) {
      let NextToken: string | undefined;
      do {
        const page = await awsCall(c, 'DescribeAlarms', () =>
          c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: wanted.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, ...(NextToken ? { NextToken } : {}) })),
        );
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (!a.AlarmName) continue;
          found.set(a.AlarmName, {
            name: a.AlarmName,
            state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState['state'],
            ...(a.StateReason ? { reason: a.StateReason } : {}),
            ...(a.StateUpdatedTimestamp ? { updatedTime: new Date(a.StateUpdatedTimestamp).getTime() } : {}),
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return wanted.map((name) => found.get(name) ?? { name, state: 'MISSING', reason: `no CloudWatch alarm named ${name}` });
  }
}
