import { describe, expect, it } from 'vitest';
import { instanceHealth, isEnabled, toServerGroup, type TargetHealthIndex } from './aws-server-group.util';

const TG1 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/abc';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-admin/def';
const inst = (id: string, LifecycleState: string, HealthStatus = 'Healthy') => ({ InstanceId: id, LifecycleState, HealthStatus, AvailabilityZone: 'us-east-1a' }) as never;
function health(entries: Record<string, Record<string, string>>): TargetHealthIndex {
  return new Map(Object.entries(entries).map(([arn, byId]) => [arn, new Map(Object.entries(byId).map(([id, State]) => [id, { Target: { Id: id }, TargetHealth: { State: State as never, Description: `d-${State}` } }]))]));
}

describe('instanceHealth', () => {
  it('is Up only when InService, Healthy and healthy in every attached target group', () => {
    const h = health({ [TG1]: { a: 'healthy', b: 'healthy', c: 'initial', d: 'unhealthy', e: 'draining' }, [TG2]: { a: 'healthy', b: 'initial', c: 'healthy', d: 'healthy', e: 'healthy' } });
    const of = (id: string) => instanceHealth(inst(id, 'InService'), true, [TG1, TG2], h).health;
    expect(of('a')).toBe('Up');
    expect(of('b')).toBe('Starting');
    expect(of('c')).toBe('Starting');
    expect(of('d')).toBe('Down');
    expect(of('e')).toBe('OutOfService');
    // Not registered yet in a target group: still starting.
    expect(of('z')).toBe('Starting');
  });

  it('follows the Auto Scaling lifecycle first', () => {
    expect(instanceHealth(inst('a', 'Pending'), true, [], undefined).health).toBe('Starting');
    expect(instanceHealth(inst('a', 'Pending:Wait'), true, [], undefined).health).toBe('Starting');
    expect(instanceHealth(inst('a', 'InService', 'Unhealthy'), true, [TG1], health({ [TG1]: { a: 'healthy' } })).health).toBe('Down');
    expect(instanceHealth(inst('a', 'Terminating'), true, [], undefined).health).toBe('Down');
    expect(instanceHealth(inst('a', 'Standby'), true, [], undefined).health).toBe('OutOfService');
    expect(instanceHealth(inst('a', 'InService'), true, [], undefined).health).toBe('Up');
  });

  it('reports a disabled group out of service, and why', () => {
    const i = instanceHealth(inst('a', 'InService'), false, [], undefined);
    expect(i.health).toBe('OutOfService');
    expect(i.healthDetails).toContainEqual(expect.objectContaining({ source: 'gennaker', state: 'disabled' }));
    const d = instanceHealth(inst('a', 'InService'), true, [TG1], health({ [TG1]: { a: 'unhealthy' } }));
    expect(d.healthDetails).toEqual([
      { source: 'autoScaling', state: 'InService/Healthy' },
      { source: 'targetGroup:shop-web', state: 'unhealthy', description: 'd-unhealthy' },
    ]);
  });
});

describe('toServerGroup', () => {
  it('maps an ASG with our tags onto the port', () => {
    const g = toServerGroup(
      {
        AutoScalingGroupName: 'shop-web-canary-v012',
        MinSize: 1,
        MaxSize: 3,
        DesiredCapacity: 2,
        CreatedTime: new Date(1000),
        SuspendedProcesses: [],
        TargetGroupARNs: [TG1],
        LaunchTemplate: { LaunchTemplateName: 'shop-web-canary-v012' },
        Instances: [inst('a', 'InService')],
        Tags: [
          { Key: 'gennaker:image-id', Value: 'ami-12345678' },
          { Key: 'gennaker:image-name', Value: 'shop-1.0-x' },
          { Key: 'gennaker:target-groups', Value: 'shop-web' },
          { Key: 'gennaker:instance-type', Value: 't3.micro' },
        ],
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: 60,
      } as never,
      'prod',
      'us-east-1',
      health({ [TG1]: { a: 'healthy' } }),
    );
    expect(g).toMatchObject({
      name: 'shop-web-canary-v012',
      application: 'shop',
      cluster: 'shop-web-canary',
      stack: 'web',
      detail: 'canary',
      sequence: 12,
      enabled: true,
      capacity: { min: 1, max: 3, desired: 2 },
      image: { id: 'ami-12345678', name: 'shop-1.0-x' },
      createdTime: 1000,
      targetGroups: ['shop-web'],
      launchConfig: { instanceType: 't3.micro', healthCheckType: 'ELB', healthCheckGracePeriodSeconds: 60, launchTemplate: 'shop-web-canary-v012' },
    });
    expect(g.instances[0]?.health).toBe('Up');
  });

  it('a group with AddToLoadBalancer suspended is disabled, and keeps naming its target groups', () => {
    const asg = { AutoScalingGroupName: 'shop-v001', SuspendedProcesses: [{ ProcessName: 'AddToLoadBalancer' }], TargetGroupARNs: [], Tags: [{ Key: 'gennaker:target-groups', Value: 'shop-web,shop-admin' }] } as never;
    expect(isEnabled(asg)).toBe(false);
    expect(toServerGroup(asg, 'a', 'r', undefined)).toMatchObject({ enabled: false, targetGroups: ['shop-web', 'shop-admin'] });
  });
});
