import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, type TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer } from '@gennaker/cloud';
import type { AwsClientFactory, AwsClients } from './aws-client.factory';
import { awsCall, awsCallTolerating, isNotFound } from './aws-errors.util';
import { TAG, tagMap } from './aws-server-group.util';

/**
 * ELBv2 target groups as the port's load balancers (what an ASG attaches to): for each, the
 * server groups that serve from it, enabled when attached, with their healthy targets.
 */
export class AwsLoadBalancersService {
  constructor(private readonly factory: AwsClientFactory) {}

  async list(account: string, region: string, filter: { application?: string }): Promise<LoadBalancer[]> {
    const c = this.factory.clients(account, region);
    const app = filter.application;
    const targetGroups = (await this.targetGroups(c)).filter((t) => !app || t.TargetGroupName === app || (t.TargetGroupName ?? '').startsWith(`${app}-`));
    if (targetGroups.length === 0) return [];
    const groups = await this.groups(c, app);
    const dns = await this.dnsNames(c, [...new Set(targetGroups.flatMap((t) => t.LoadBalancerArns ?? []))]);

    return Promise.all(
      targetGroups.map(async (tg) => {
        const arn = tg.TargetGroupArn as string;
        const name = tg.TargetGroupName as string;
        const members = groups.filter((g) => (g.TargetGroupARNs ?? []).includes(arn) || (tagMap(g.Tags)[TAG.targetGroups] ?? '').split(',').includes(name));
        const attached = members.some((g) => (g.TargetGroupARNs ?? []).includes(arn));
        const healthy = new Set<string>();
        if (attached) {
          const out = await awsCallTolerating(c, 'DescribeTargetHealth', () => c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })), isNotFound);
          for (const d of out?.TargetHealthDescriptions ?? []) if (d.TargetHealth?.State === 'healthy' && d.Target?.Id) healthy.add(d.Target.Id);
        }
        const address = (tg.LoadBalancerArns ?? []).map((a) => dns.get(a)).find((d) => d !== undefined);
        return {
          name,
          account,
          region,
          type: `target-group/${(tg.Protocol ?? 'HTTP').toLowerCase()}`,
          ...(address ? { address } : {}),
          serverGroups: members.map((g) => ({
            name: g.AutoScalingGroupName as string,
            enabled: (g.TargetGroupARNs ?? []).includes(arn),
            healthyInstances: (g.Instances ?? []).filter((i) => healthy.has(i.InstanceId ?? '')).length,
          })),
        };
      }),
    );
  }

  private async targetGroups(c: AwsClients): Promise<TargetGroup[]> {
    const out: TargetGroup[] = [];
    let Marker: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeTargetGroups', () => c.elb.send(new DescribeTargetGroupsCommand({ PageSize: 400, ...(Marker ? { Marker } : {}) })));
      out.push(...(page.TargetGroups ?? []));
      Marker = page.NextMarker;
    } while (Marker);
    return out;
  }

  private async groups(c: AwsClients, application: string | undefined): Promise<AutoScalingGroup[]> {
    const Filters = application ? [{ Name: `tag:${TAG.application}`, Values: [application] }] : [{ Name: 'tag-key', Values: [TAG.application] }];
    const out: AutoScalingGroup[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeAutoScalingGroups', () => c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters, MaxRecords: 100, ...(NextToken ? { NextToken } : {}) })));
      out.push(...(page.AutoScalingGroups ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }

  /** DNS names of the load balancers in front of the target groups (20 per call, the API's limit). */
  private async dnsNames(c: AwsClients, arns: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < arns.length; i += 20) {
      const page = await awsCallTolerating(c, 'DescribeLoadBalancers', () => c.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: arns.slice(i, i + 20) })), isNotFound);
      for (const lb of page?.LoadBalancers ?? []) if (lb.LoadBalancerArn && lb.DNSName) out.set(lb.LoadBalancerArn, lb.DNSName);
    }
    return out;
  }
}
