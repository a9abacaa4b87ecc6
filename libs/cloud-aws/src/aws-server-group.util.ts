import type { AutoScalingGroup, Instance as AsgInstance, Tag as AsgTag } from '@aws-sdk/client-auto-scaling';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Instance, InstanceHealth, ServerGroup } from '@gennaker/cloud';
import { clusterOf, parseFriggaName } from './frigga-name.util';

/** Tags Gennaker writes on what it creates; instances inherit the ASG's (PropagateAtLaunch). */
export const TAG = {
  application: 'gennaker:application',
  cluster: 'gennaker:cluster',
  stack: 'gennaker:stack',
  detail: 'gennaker:detail',
  /** The server group's vNNN. */
  version: 'gennaker:version',
  execution: 'gennaker:execution',
  imageId: 'gennaker:image-id',
  imageName: 'gennaker:image-name',
  /** Names of the target groups the group serves from when enabled (detached while disabled). */
  targetGroups: 'gennaker:target-groups',
  /** Same for classic load balancers. */
  loadBalancers: 'gennaker:load-balancers',
  subnetType: 'gennaker:subnet-type',
  instanceType: 'gennaker:instance-type',
} as const;

/** Processes suspended while a group is disabled (Clouddriver's disable operation). */
export const DISABLE_PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer'];

export type TargetHealthIndex = Map<string, Map<string, TargetHealthDescription>>;

export function tagMap(tags: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function asgTags(name: string, tags: Record<string, string>): AsgTag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true }));
}

export function targetGroupNameOf(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** Enabled = taking traffic: its instances are added to its target groups (Clouddriver's rule). */
export function isEnabled(asg: AutoScalingGroup): boolean {
  return !(asg.SuspendedProcesses ?? []).some((p) => p.ProcessName === 'AddToLoadBalancer');
}

/**
 * An instance's health from its Auto Scaling lifecycle state and, for an enabled group, its state
 * in every attached target group: Up only when InService, Healthy and healthy in all of them.
 */
export function instanceHealth(i: AsgInstance, enabled: boolean, targetGroupArns: string[], health: TargetHealthIndex | undefined): Instance {
  const id = i.InstanceId ?? '';
  const lifecycle = i.LifecycleState ?? 'Unknown';
  const details: NonNullable<Instance['healthDetails']> = [{ source: 'autoScaling', state: `${lifecycle}/${i.HealthStatus ?? 'Unknown'}` }];
  const result = (h: InstanceHealth): Instance => ({ id, health: h, healthDetails: details, ...(i.AvailabilityZone ? { zone: i.AvailabilityZone } : {}) });

  if (lifecycle.startsWith('Terminat') || i.HealthStatus === 'Unhealthy') return result('Down');
  if (lifecycle.startsWith('Pending') || lifecycle.startsWith('Warmed')) return result('Starting');
  if (lifecycle.includes('Standby') || lifecycle.startsWith('Detach')) return result('OutOfService');
  if (lifecycle !== 'InService') return result('Unknown');
  if (!enabled) {
    details.push({ source: 'gennaker', state: 'disabled', description: 'the server group is disabled: out of its target groups' });
    return result('OutOfService');
  }
  if (targetGroupArns.length === 0) return result('Up');

  const states = targetGroupArns.map((arn) => {
    const d = health?.get(arn)?.get(id);
    const state = d?.TargetHealth?.State ?? 'unregistered';
    details.push({ source: `targetGroup:${targetGroupNameOf(arn)}`, state, ...(d?.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}) });
    return state;
  });
  if (states.includes('unhealthy')) return result('Down');
  if (states.some((s) => s === 'initial' || s === 'unregistered')) return result('Starting');
  if (states.every((s) => s === 'healthy')) return result('Up');
  // draining, unused, unavailable: registered nowhere useful.
  return result('OutOfService');
}

/** The port's view of an Auto Scaling group. */
export function toServerGroup(asg: AutoScalingGroup, account: string, region: string, health: TargetHealthIndex | undefined): ServerGroup {
  const name = asg.AutoScalingGroupName ?? '';
  const tags = tagMap(asg.Tags);
  const parsed = parseFriggaName(name);
  const enabled = isEnabled(asg);
  const attached = asg.TargetGroupARNs ?? [];
  const intendedTargetGroups = (tags[TAG.targetGroups] ?? '').split(',').filter((s) => s !== '');
  const intendedLoadBalancers = (tags[TAG.loadBalancers] ?? '').split(',').filter((s) => s !== '');
  const lt = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const stack = tags[TAG.stack] ?? parsed?.stack;
  const detail = tags[TAG.detail] ?? parsed?.detail;
  return {
    name,
    account,
    region,
    application: tags[TAG.application] ?? parsed?.application ?? name,
    cluster: tags[TAG.cluster] ?? clusterOf(name),
    ...(stack ? { stack } : {}),
    ...(detail ? { detail } : {}),
    sequence: parsed?.sequence ?? null,
    enabled,
    capacity: { min: asg.MinSize ?? 0, max: asg.MaxSize ?? 0, desired: asg.DesiredCapacity ?? 0 },
    image: { id: tags[TAG.imageId] ?? '', ...(tags[TAG.imageName] ? { name: tags[TAG.imageName] } : {}) },
    instances: (asg.Instances ?? []).map((i) => instanceHealth(i, enabled, attached, health)),
    createdTime: asg.CreatedTime ? new Date(asg.CreatedTime).getTime() : 0,
    loadBalancers: intendedLoadBalancers.length > 0 ? intendedLoadBalancers : (asg.LoadBalancerNames ?? []),
    targetGroups: intendedTargetGroups.length > 0 ? intendedTargetGroups : attached.map(targetGroupNameOf),
    tags,
    launchConfig: {
      ...(lt?.LaunchTemplateName ? { launchTemplate: lt.LaunchTemplateName } : {}),
      ...(tags[TAG.instanceType] ? { instanceType: tags[TAG.instanceType] } : {}),
      ...(tags[TAG.subnetType] ? { subnetType: tags[TAG.subnetType] } : {}),
      healthCheckType: asg.HealthCheckType ?? 'EC2',
      healthCheckGracePeriodSeconds: asg.HealthCheckGracePeriod ?? 0,
      subnets: (asg.VPCZoneIdentifier ?? '').split(',').filter((s) => s !== ''),
      availabilityZones: asg.AvailabilityZones ?? [],
      suspendedProcesses: (asg.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? ''),
    },
  };
}
