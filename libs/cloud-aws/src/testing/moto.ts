// Test helpers for an AWS-compatible endpoint (moto_server): fixtures the provider does not
// create itself (target groups), and stand-ins for what moto does not simulate. TEST ONLY.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetInstanceHealthCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';

/** The endpoint of the suite, or undefined: suites skip (saying so) when it is not set. */
export const AWS_TEST_ENDPOINT = process.env['AWS_ENDPOINT_URL'] || undefined;

/** moto accepts any key; the SDK only needs some to sign with. */
export function ensureFakeCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] ||= 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] ||= 'testing';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ||= 'true';
}

/** Where a helper acts: an endpoint, a region, and the credentials of the account (default chain if none). */
export interface MotoTarget {
  endpoint: string;
  region: string;
  credentials?: AwsCredentialIdentity;
}

/** Credentials of the account behind a role, as moto hands them out (any role is accepted). */
export async function assumeRoleForTest(endpoint: string, region: string, roleArn: string, externalId?: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ region, endpoint });
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'gennaker-test', ...(externalId ? { ExternalId: externalId } : {}) }));
  sts.destroy();
  const c = out.Credentials;
  return { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string };
}

function config(t: MotoTarget) {
  return { region: t.region, endpoint: t.endpoint, ...(t.credentials ? { credentials: t.credentials } : {}) };
}

/** The newest public image whose name matches (moto ships a catalogue per region). */
export async function publicImage(t: MotoTarget, name: string): Promise<string> {
  const ec2 = new EC2Client(config(t));
  try {
    const out = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [name] }] }));
    const [image] = (out.Images ?? []).sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
    if (!image?.ImageId) throw new Error(`no public image named ${name} in ${t.region}`);
    return image.ImageId;
  } finally {
    ec2.destroy();
  }
}

/** An HTTP target group in the region's default VPC; returns its ARN. */
export async function createTargetGroup(t: MotoTarget, name: string): Promise<string> {
  const ec2 = new EC2Client(config(t));
  const elb = new ElasticLoadBalancingV2Client(config(t));
  try {
    const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0]?.VpcId;
    const out = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpc, HealthCheckPath: '/health' }));
    return out.TargetGroups?.[0]?.TargetGroupArn as string;
  } finally {
    ec2.destroy();
    elb.destroy();
  }
}

/** Instance ids registered healthy in a target group. */
export async function healthyTargets(t: MotoTarget, targetGroupArn: string): Promise<string[]> {
  const elb = new ElasticLoadBalancingV2Client(config(t));
  try {
    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    return (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'healthy').map((d) => d.Target?.Id as string).sort();
  } finally {
    elb.destroy();
  }
}

/** Instance ids of an Auto Scaling group. */
export async function groupInstances(t: MotoTarget, name: string): Promise<string[]> {
  const asg = new AutoScalingClient(config(t));
  try {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId as string).sort();
  } finally {
    asg.destroy();
  }
}

/** TEST ONLY: marks every instance of a group Unhealthy (a build that never passes its checks). */
export async function makeGroupUnhealthy(t: MotoTarget, name: string): Promise<number> {
  const asg = new AutoScalingClient(config(t));
  try {
    const ids = await groupInstances(t, name);
    for (const id of ids) await asg.send(new SetInstanceHealthCommand({ InstanceId: id, HealthStatus: 'Unhealthy' }));
    return ids.length;
  } finally {
    asg.destroy();
  }
}

/** TEST ONLY: a metric alarm in the given state. */
export async function putAlarm(t: MotoTarget, name: string, state: 'OK' | 'ALARM'): Promise<void> {
  const cw = new CloudWatchClient({ ...config(t), protocol: AwsQueryProtocol as never });
  try {
    await cw.send(new PutMetricAlarmCommand({ AlarmName: name, MetricName: 'Errors', Namespace: 'Gennaker/Test', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `set by a test to ${state}` }));
  } finally {
    cw.destroy();
  }
}

/**
 * TEST ONLY. moto runs no user data, so a bake builder never tags itself ready: this plays the
 * part of the provisioning script's last line (`aws ec2 create-tags ... gennaker:bake-status=ready`)
 * for every running builder without a status, polling until stopped. On real AWS the builder's
 * own user data does this through its instance role.
 */
export class BakeBuilderSimulator {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  readonly marked: string[] = [];

  constructor(private readonly targets: MotoTarget[]) {}

  start(intervalMs = 200): this {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every target; exposed so a test can mark builders at a moment of its choosing. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const t of this.targets) {
        const ec2 = new EC2Client(config(t));
        try {
          const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['gennaker:bake-id'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
          const ready = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => !(i.Tags ?? []).some((tag) => tag.Key === 'gennaker:bake-status'));
          for (const i of ready) {
            await ec2.send(new CreateTagsCommand({ Resources: [i.InstanceId as string], Tags: [{ Key: 'gennaker:bake-status', Value: 'ready' }] }));
            this.marked.push(i.InstanceId as string);
          }
        } finally {
          ec2.destroy();
        }
      }
    } catch {
      // The next tick tries again (the endpoint restarting, a test tearing down).
    } finally {
      this.busy = false;
    }
  }
}
