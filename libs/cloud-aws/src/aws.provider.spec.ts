// Call shapes of every SDK operation the provider uses, pagination, and how answers map onto the
// port, with aws-sdk-client-mock (no network). Retries and throttling through the real SDK stack
// are in aws-client.factory.spec.ts.
import {
  AttachLoadBalancerTargetGroupsCommand,
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServerGroupSpec } from '@gennaker/cloud';
import { GennakerError, InputError, NotFoundError, TransientError } from '@gennaker/common';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsProvider, type AwsProvider } from './aws.provider';

const ec2 = mockClient(EC2Client);
const asg = mockClient(AutoScalingClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const cw = mockClient(CloudWatchClient);

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/abc';
const awsError = (name: string, message = name, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

let provider: AwsProvider;
let now = Date.UTC(2025, 5, 1, 12, 0, 0);

beforeEach(() => {
  for (const m of [ec2, asg, elb, cw]) m.reset();
  now = Date.UTC(2025, 5, 1, 12, 0, 0);
  provider = createAwsProvider(
    [
      { name: 'test', regions: ['us-east-1'], defaults: { instanceType: 't3.micro', securityGroups: ['sg-0abc'] } },
      { name: 'tagged', regions: ['us-east-1'], defaults: { instanceType: 't3.micro', subnetType: 'internal' } },
    ],
    { now: () => now, logger: { debug: () => undefined, log: () => undefined, warn: () => undefined } },
  );
});
afterEach(() => provider.destroy());

const spec = (over: Partial<ServerGroupSpec> = {}): ServerGroupSpec => ({
  account: 'test',
  region: 'us-east-1',
  name: 'shop-web-v003',
  application: 'shop',
  stack: 'web',
  image: { id: 'ami-0123456789abcdef0' },
  capacity: { min: 2, max: 4, desired: 3 },
  targetGroups: ['shop-web'],
  tags: { owner: 'team-a' },
  ...over,
});

function mockCreatePath() {
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-0123456789abcdef0', Name: 'shop-1.0.0-20250101', State: 'available' }] });
  ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      { SubnetId: 'subnet-b', AvailabilityZone: 'us-east-1b', DefaultForAz: true, State: 'available' },
      { SubnetId: 'subnet-a', AvailabilityZone: 'us-east-1a', DefaultForAz: true, State: 'available' },
    ],
  });
  elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupName: 'shop-web', TargetGroupArn: TG }] });
  ec2.on(CreateLaunchTemplateCommand).resolves({});
  asg.on(CreateAutoScalingGroupCommand).resolves({});
}

describe('createServerGroup', () => {
  it('creates a launch template and an ASG across the default subnets, tagged, behind its target groups', async () => {
    mockCreatePath();
    const group = await provider.createServerGroup(spec({ userData: '#!/bin/bash\necho hi\n', env: { GREETING: "it's" }, extra: { executionId: 'exec-1' } }));

    expect(asg.commandCalls(DescribeAutoScalingGroupsCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupNames: ['shop-web-v003'], MaxRecords: 100 });
    expect(ec2.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toEqual({ ImageIds: ['ami-0123456789abcdef0'] });
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input).toEqual({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] });
    expect(elb.commandCalls(DescribeTargetGroupsCommand)[0]?.args[0].input).toEqual({ Names: ['shop-web'] });
    // Security groups given as ids need no lookup.
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0);

    const lt = ec2.commandCalls(CreateLaunchTemplateCommand)[0]?.args[0].input;
    expect(lt).toMatchObject({
      LaunchTemplateName: 'shop-web-v003',
      LaunchTemplateData: {
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't3.micro',
        SecurityGroupIds: ['sg-0abc'],
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
      },
    });
    const userData = Buffer.from(lt?.LaunchTemplateData?.UserData ?? '', 'base64').toString('utf8');
    expect(userData).toBe("#!/bin/bash\nmkdir -p /etc/gennaker\ncat > /etc/gennaker/env <<'GENNAKER_ENV'\nGREETING='it'\\''s'\nGENNAKER_ENV\necho hi\n");
    const instanceTags = lt?.LaunchTemplateData?.TagSpecifications?.find((t) => t.ResourceType === 'instance')?.Tags;
    expect(instanceTags).toEqual(expect.arrayContaining([{ Key: 'gennaker:application', Value: 'shop' }, { Key: 'gennaker:execution', Value: 'exec-1' }, { Key: 'owner', Value: 'team-a' }]));

    const create = asg.commandCalls(CreateAutoScalingGroupCommand)[0]?.args[0].input;
    expect(create).toMatchObject({
      AutoScalingGroupName: 'shop-web-v003',
      LaunchTemplate: { LaunchTemplateName: 'shop-web-v003', Version: '$Latest' },
      MinSize: 2,
      MaxSize: 4,
      DesiredCapacity: 3,
      VPCZoneIdentifier: 'subnet-a,subnet-b',
      TargetGroupARNs: [TG],
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
    });
    const tags = Object.fromEntries((create?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({
      Name: 'shop-web-v003',
      owner: 'team-a',
      'gennaker:application': 'shop',
      'gennaker:cluster': 'shop-web',
      'gennaker:stack': 'web',
      'gennaker:version': 'v003',
      'gennaker:execution': 'exec-1',
      'gennaker:image-id': 'ami-0123456789abcdef0',
      'gennaker:image-name': 'shop-1.0.0-20250101',
      'gennaker:target-groups': 'shop-web',
      'gennaker:instance-type': 't3.micro',
    });
    expect(create?.Tags?.every((t) => t.PropagateAtLaunch === true && t.ResourceType === 'auto-scaling-group')).toBe(true);
    expect(group).toMatchObject({ name: 'shop-web-v003', cluster: 'shop-web', sequence: 3, enabled: true, capacity: { min: 2, max: 4, desired: 3 }, targetGroups: ['shop-web'] });
  });

  it('passes Spinnaker base64UserData through unchanged, and picks subnets by the subnetType tag', async () => {
    mockCreatePath();
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-int', AvailabilityZone: 'us-east-1a', State: 'available', Tags: [{ Key: 'immutable_metadata', Value: '{"purpose":"internal"}' }] },
        { SubnetId: 'subnet-ext', AvailabilityZone: 'us-east-1a', State: 'available', Tags: [{ Key: 'immutable_metadata', Value: '{"purpose":"external"}' }] },
      ],
    });
    const b64 = Buffer.from('#cloud-config\nruncmd: [ls]\n').toString('base64');
    await provider.createServerGroup(spec({ account: 'tagged', userData: b64 }));
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input).toEqual({ Filters: [{ Name: 'tag-key', Values: ['immutable_metadata'] }] });
    expect(asg.commandCalls(CreateAutoScalingGroupCommand)[0]?.args[0].input.VPCZoneIdentifier).toBe('subnet-int');
    expect(ec2.commandCalls(CreateLaunchTemplateCommand)[0]?.args[0].input.LaunchTemplateData?.UserData).toBe(b64);
  });

  it('looks security group names up in one call and names the one that does not exist', async () => {
    mockCreatePath();
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupName: 'web', GroupId: 'sg-0web' }] });
    await provider.createServerGroup(spec({ securityGroups: ['web', 'sg-0123'] }));
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({ Filters: [{ Name: 'group-name', Values: ['web'] }] });
    expect(ec2.commandCalls(CreateLaunchTemplateCommand)[0]?.args[0].input.LaunchTemplateData?.SecurityGroupIds).toEqual(['sg-0web', 'sg-0123']);
    await expect(provider.createServerGroup(spec({ name: 'shop-web-v004', securityGroups: ['sg-0123', 'nope'] }))).rejects.toMatchObject({ details: [{ pointer: '/securityGroups/1' }] });
  });

  it('is idempotent: an existing group is returned without creating anything', async () => {
    mockCreatePath();
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'shop-web-v003', MinSize: 2, MaxSize: 4, DesiredCapacity: 3, Instances: [], TargetGroupARNs: [TG], Tags: [] } as never] });
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    const group = await provider.createServerGroup(spec());
    expect(group.name).toBe('shop-web-v003');
    expect(ec2.commandCalls(CreateLaunchTemplateCommand)).toHaveLength(0);
    expect(asg.commandCalls(CreateAutoScalingGroupCommand)).toHaveLength(0);
  });

  it('reuses a launch template left by a crashed attempt, and takes AlreadyExists on the ASG as success', async () => {
    mockCreatePath();
    ec2.on(CreateLaunchTemplateCommand).rejects(awsError('InvalidLaunchTemplateName.AlreadyExistsException'));
    asg.on(CreateAutoScalingGroupCommand).rejects(awsError('AlreadyExists'));
    await expect(provider.createServerGroup(spec())).resolves.toMatchObject({ name: 'shop-web-v003' });
    expect(asg.commandCalls(CreateAutoScalingGroupCommand)).toHaveLength(1);
  });

  it('refuses, for now, a name still held by a group being deleted (retried later)', async () => {
    mockCreatePath();
    asg.on(CreateAutoScalingGroupCommand).rejects(awsError('AlreadyExists'));
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [] })
      .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'shop-web-v003', Status: 'Delete in progress' } as never] });
    await expect(provider.createServerGroup(spec())).rejects.toBeInstanceOf(TransientError);
  });

  it('starts disabled: no target groups attached, AddToLoadBalancer suspended', async () => {
    mockCreatePath();
    asg.on(SuspendProcessesCommand).resolves({});
    const group = await provider.createServerGroup(spec({ startDisabled: true }));
    expect(asg.commandCalls(CreateAutoScalingGroupCommand)[0]?.args[0].input.TargetGroupARNs).toBeUndefined();
    expect(asg.commandCalls(SuspendProcessesCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', ScalingProcesses: ['AddToLoadBalancer'] });
    expect(group.enabled).toBe(false);
  });

  it('refuses bad input before calling AWS, naming each field as the deploy stage spells it', async () => {
    const err = await provider
      .createServerGroup(spec({ name: 'shop web-v1', image: { id: '' }, capacity: { min: 5, max: 2, desired: 3 }, instanceType: 'huge', targetGroups: ['bad_name'], healthCheckType: 'TCP' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).details.map((d) => d.pointer).sort()).toEqual(['/capacity/min', '/healthCheckType', '/imageId', '/instanceType', '/serverGroupName', '/targetGroups/0']);
    expect(asg.calls()).toHaveLength(0);
    await expect(provider.createServerGroup(spec({ account: 'nope' }))).rejects.toMatchObject({ details: [{ pointer: '/account' }] });
    await expect(provider.createServerGroup(spec({ region: 'eu-west-9' }))).rejects.toMatchObject({ details: [{ pointer: '/region' }] });
    await expect(provider.createServerGroup(spec({ application: 'other' }))).rejects.toMatchObject({ details: [{ pointer: '/application' }] });
  });

  it('names the image, the subnet type or the target group AWS does not have', async () => {
    mockCreatePath();
    ec2.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound'));
    await expect(provider.createServerGroup(spec())).rejects.toMatchObject({ details: [{ pointer: '/imageId' }] });
    mockCreatePath();
    elb.on(DescribeTargetGroupsCommand).rejects(awsError('TargetGroupNotFoundException'));
    await expect(provider.createServerGroup(spec())).rejects.toMatchObject({ details: [{ pointer: '/targetGroups' }] });
    mockCreatePath();
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    await expect(provider.createServerGroup(spec({ account: 'tagged' }))).rejects.toMatchObject({ details: [{ pointer: '/subnetType' }] });
    expect(asg.commandCalls(CreateAutoScalingGroupCommand)).toHaveLength(0);
  });

  it('makes throttling that outlasted the SDK retries a TransientError (the engine retries the task)', async () => {
    mockCreatePath();
    asg.on(CreateAutoScalingGroupCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const err = await provider.createServerGroup(spec()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('CreateAutoScalingGroup in test/us-east-1');
  });
});

describe('server group operations', () => {
  const group = (over: Record<string, unknown> = {}) => ({
    AutoScalingGroupName: 'shop-web-v003',
    MinSize: 2,
    MaxSize: 2,
    DesiredCapacity: 2,
    Instances: [
      { InstanceId: 'i-1', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a' },
      { InstanceId: 'i-2', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1b' },
    ],
    TargetGroupARNs: [TG],
    SuspendedProcesses: [],
    Tags: [{ Key: 'gennaker:target-groups', Value: 'shop-web' }, { Key: 'gennaker:image-id', Value: 'ami-0123456789abcdef0' }],
    CreatedTime: new Date(5000),
    ...over,
  });

  it('getServerGroup: instance health from the ASG and every target group; null when absent', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group() as never] });
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } }, { Target: { Id: 'i-2' }, TargetHealth: { State: 'initial' } }] });
    const g = await provider.getServerGroup('test', 'us-east-1', 'shop-web-v003');
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0]?.args[0].input).toEqual({ TargetGroupArn: TG });
    expect(g?.instances.map((i) => [i.id, i.health])).toEqual([
      ['i-1', 'Up'],
      ['i-2', 'Starting'],
    ]);
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    expect(await provider.getServerGroup('test', 'us-east-1', 'shop-web-v009')).toBeNull();
    // A group being deleted no longer counts.
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group({ Status: 'Delete in progress' }) as never] });
    expect(await provider.getServerGroup('test', 'us-east-1', 'shop-web-v003')).toBeNull();
  });

  it('listServerGroups pages through the ASGs of the application and asks each target group once', async () => {
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group({ AutoScalingGroupName: 'shop-web-v002', CreatedTime: new Date(1000) }) as never], NextToken: 'page2' })
      .resolvesOnce({ AutoScalingGroups: [group() as never, group({ AutoScalingGroupName: 'shop-api-v001' }) as never] });
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    const groups = await provider.listServerGroups('test', 'us-east-1', { application: 'shop', cluster: 'shop-web' });
    const calls = asg.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Filters: [{ Name: 'tag:gennaker:application', Values: ['shop'] }, { Name: 'tag:gennaker:cluster', Values: ['shop-web'] }], MaxRecords: 100 },
      { Filters: [{ Name: 'tag:gennaker:application', Values: ['shop'] }, { Name: 'tag:gennaker:cluster', Values: ['shop-web'] }], MaxRecords: 100, NextToken: 'page2' },
    ]);
    expect(groups.map((g) => g.name)).toEqual(['shop-web-v002', 'shop-web-v003']);
    expect(elb.commandCalls(DescribeTargetHealthCommand)).toHaveLength(1);
  });

  it('disable suspends Launch, Terminate and AddToLoadBalancer, then detaches the target groups', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group() as never] });
    asg.on(SuspendProcessesCommand).resolves({});
    asg.on(DetachLoadBalancerTargetGroupsCommand).resolves({});
    await provider.disableServerGroup('test', 'us-east-1', 'shop-web-v003');
    expect(asg.commandCalls(SuspendProcessesCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', ScalingProcesses: ['Launch', 'Terminate', 'AddToLoadBalancer'] });
    expect(asg.commandCalls(DetachLoadBalancerTargetGroupsCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', TargetGroupARNs: [TG] });
    const order = asg.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    expect(order).toEqual(['DescribeAutoScalingGroupsCommand', 'SuspendProcessesCommand', 'DetachLoadBalancerTargetGroupsCommand']);
  });

  it('enable re-attaches the recorded target groups and resumes the processes', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group({ TargetGroupARNs: [], SuspendedProcesses: [{ ProcessName: 'Launch' }, { ProcessName: 'Terminate' }, { ProcessName: 'AddToLoadBalancer' }] }) as never] });
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupName: 'shop-web', TargetGroupArn: TG }] });
    asg.on(AttachLoadBalancerTargetGroupsCommand).resolves({});
    asg.on(ResumeProcessesCommand).resolves({});
    await provider.enableServerGroup('test', 'us-east-1', 'shop-web-v003');
    expect(asg.commandCalls(AttachLoadBalancerTargetGroupsCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', TargetGroupARNs: [TG] });
    expect(asg.commandCalls(ResumeProcessesCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', ScalingProcesses: ['Launch', 'Terminate', 'AddToLoadBalancer'] });
  });

  it('resize resumes Launch and Terminate (a disabled group must be able to scale) and sets the capacity', async () => {
    asg.on(ResumeProcessesCommand).resolves({});
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    await provider.resizeServerGroup('test', 'us-east-1', 'shop-web-v003', { min: 0, max: 0, desired: 0 });
    expect(asg.commandCalls(ResumeProcessesCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', ScalingProcesses: ['Launch', 'Terminate'] });
    expect(asg.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', MinSize: 0, MaxSize: 0, DesiredCapacity: 0 });
    await expect(provider.resizeServerGroup('test', 'us-east-1', 'shop-web-v003', { min: 3, max: 1, desired: 2 })).rejects.toMatchObject({ details: [{ pointer: '/capacity/min' }] });
    asg.on(ResumeProcessesCommand).rejects(awsError('ValidationError', 'AutoScalingGroup name not found - shop-web-v009'));
    await expect(provider.resizeServerGroup('test', 'us-east-1', 'shop-web-v009', { min: 1, max: 1, desired: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('destroy deletes the group with its instances and its launch template; gone already is fine', async () => {
    asg.on(DeleteAutoScalingGroupCommand).resolves({});
    ec2.on(DeleteLaunchTemplateCommand).resolves({});
    await provider.destroyServerGroup('test', 'us-east-1', 'shop-web-v003');
    expect(asg.commandCalls(DeleteAutoScalingGroupCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'shop-web-v003', ForceDelete: true });
    expect(ec2.commandCalls(DeleteLaunchTemplateCommand)[0]?.args[0].input).toEqual({ LaunchTemplateName: 'shop-web-v003' });
    asg.on(DeleteAutoScalingGroupCommand).rejects(awsError('ValidationError', 'AutoScalingGroup name not found - shop-web-v003'));
    ec2.on(DeleteLaunchTemplateCommand).rejects(awsError('InvalidLaunchTemplateName.NotFoundException'));
    await expect(provider.destroyServerGroup('test', 'us-east-1', 'shop-web-v003')).resolves.toBeUndefined();
    asg.on(DeleteAutoScalingGroupCommand).rejects(awsError('AccessDenied', 'no', 403));
    const err = await provider.destroyServerGroup('test', 'us-east-1', 'shop-web-v003').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GennakerError);
    expect((err as GennakerError).retryable).toBe(false);
  });
});

describe('images and bakes', () => {
  const bake = { account: 'test', region: 'us-east-1', package: 'shop', version: '1.2.3', baseImage: { name: 'ubuntu/images/*jammy*', owner: '099720109477' }, inputs: { commit: 'abc123', instanceType: 't3.large' }, inputsHash: 'h123', tags: { application: 'shop' } };

  it('findImages pages through DescribeImages, newest first', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({ Images: [{ ImageId: 'ami-1', Name: 'a', CreationDate: '2025-01-01T00:00:00.000Z' }], NextToken: 't' })
      .resolvesOnce({ Images: [{ ImageId: 'ami-2', Name: 'b', CreationDate: '2025-02-01T00:00:00.000Z' }] });
    const images = await provider.findImages('test', 'us-east-1', { name: 'shop-*', tags: { 'gennaker:package': 'shop' } });
    expect(images.map((i) => i.id)).toEqual(['ami-2', 'ami-1']);
    expect(ec2.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input)).toEqual([
      { Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }, { Name: 'name', Values: ['shop-*'] }, { Name: 'tag:gennaker:package', Values: ['shop'] }], MaxResults: 1000 },
      { Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }, { Name: 'name', Values: ['shop-*'] }, { Name: 'tag:gennaker:package', Values: ['shop'] }], MaxResults: 1000, NextToken: 't' },
    ]);
  });

  it('reuses an image baked from the same inputs unless rebake', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-old', Name: 'shop-1.2.3-x', State: 'available', Tags: [{ Key: 'gennaker:bake-id', Value: 'bake-1' }] }] });
    const state = await provider.startBake(bake);
    expect(state).toMatchObject({ state: 'completed', reused: true, bakeId: 'reused:ami-old', image: { id: 'ami-old' } });
    // Polled later (the bake stage does), it is still a reuse.
    expect(await provider.bakeStatus('test', 'us-east-1', 'reused:ami-old')).toMatchObject({ state: 'completed', reused: true, image: { id: 'ami-old' } });
    expect(ec2.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toMatchObject({ Owners: ['self'], Filters: [{ Name: 'tag:gennaker:inputs-hash', Values: ['h123'] }, { Name: 'state', Values: ['available'] }] });
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('joins a builder already baking the same inputs (a retry after a crash)', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-b', State: { Name: 'running' }, Tags: [{ Key: 'gennaker:bake-id', Value: 'bake-running' }] }] }] });
    expect(await provider.startBake(bake)).toMatchObject({ state: 'running', bakeId: 'bake-running' });
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('launches a builder from the newest base image, with the provisioning script and the tags the image will carry', async () => {
    ec2.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
    ec2.on(DescribeImagesCommand, { Owners: ['099720109477'] }).resolves({
      Images: [
        { ImageId: 'ami-0aaaaaaaaaaaaaaaa', Name: 'jammy-old', CreationDate: '2024-01-01T00:00:00.000Z' },
        { ImageId: 'ami-0bbbbbbbbbbbbbbbb', Name: 'jammy-new', CreationDate: '2025-01-01T00:00:00.000Z' },
      ],
    });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-a', AvailabilityZone: 'us-east-1a', DefaultForAz: true }] });
    ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-new' }] });
    const state = await provider.startBake({ ...bake, rebake: true });
    expect(state).toMatchObject({ state: 'running', bakeId: `bake-h123-${now.toString(36)}` });
    // rebake skips the reuse lookup.
    expect(ec2.commandCalls(DescribeImagesCommand, { Owners: ['self'] })).toHaveLength(0);
    const run = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(run).toMatchObject({ ImageId: 'ami-0bbbbbbbbbbbbbbbb', InstanceType: 't3.large', MinCount: 1, MaxCount: 1, SubnetId: 'subnet-a', ClientToken: state.bakeId, InstanceInitiatedShutdownBehavior: 'terminate' });
    expect(Buffer.from(run?.UserData ?? '', 'base64').toString()).toContain('apt-get install -y shop=1.2.3');
    const tags = Object.fromEntries((run?.TagSpecifications?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      'gennaker:bake-id': state.bakeId,
      'gennaker:inputs-hash': 'h123',
      'gennaker:package': 'shop',
      'gennaker:version': '1.2.3',
      'gennaker:commit': 'abc123',
      'gennaker:application': 'shop',
      'gennaker:base-ami': 'ami-0bbbbbbbbbbbbbbbb',
      'gennaker:image-name': 'shop-1.2.3-20250601120000',
    });
  });

  it('refuses a bake without a base image or with a package a shell could misread', async () => {
    const err = (await provider.startBake({ ...bake, package: 'shop; rm -rf /', baseImage: undefined }).catch((e: unknown) => e)) as InputError;
    expect(err.details.map((d) => d.pointer).sort()).toEqual(['/baseAmi', '/package']);
    expect(ec2.calls()).toHaveLength(0);
  });

  const builder = (tags: Record<string, string>, state = 'running', launch = now - 60_000) => ({
    Reservations: [{ Instances: [{ InstanceId: 'i-b', State: { Name: state as never }, LaunchTime: new Date(launch), Tags: Object.entries({ 'gennaker:bake-id': 'bake-1', 'gennaker:image-name': 'shop-1.2.3-20250601120000', 'gennaker:package': 'shop', 'gennaker:inputs-hash': 'h123', ...tags }).map(([Key, Value]) => ({ Key, Value })) }] }],
  });

  it('bakeStatus: images the builder once it reports ready, carrying its tags', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(DescribeInstancesCommand).resolves(builder({}));
    expect(await provider.bakeStatus('test', 'us-east-1', 'bake-1')).toMatchObject({ state: 'running' });
    expect(ec2.commandCalls(CreateImageCommand)).toHaveLength(0);

    ec2.on(DescribeInstancesCommand).resolves(builder({ 'gennaker:bake-status': 'ready' }));
    ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-new' });
    expect(await provider.bakeStatus('test', 'us-east-1', 'bake-1')).toMatchObject({ state: 'running', message: expect.stringContaining('ami-new') });
    const create = ec2.commandCalls(CreateImageCommand)[0]?.args[0].input;
    expect(create).toMatchObject({ InstanceId: 'i-b', Name: 'shop-1.2.3-20250601120000' });
    expect(Object.fromEntries((create?.TagSpecifications?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      Name: 'shop-1.2.3-20250601120000',
      'gennaker:bake-id': 'bake-1',
      'gennaker:builder': 'i-b',
      'gennaker:package': 'shop',
      'gennaker:inputs-hash': 'h123',
    });
  });

  it('bakeStatus: an available image completes the bake and terminates the builder', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-new', Name: 'n', State: 'available', CreationDate: '2025-06-01T12:00:00.000Z', Tags: [{ Key: 'gennaker:builder', Value: 'i-b' }] }] });
    ec2.on(TerminateInstancesCommand).resolves({});
    expect(await provider.bakeStatus('test', 'us-east-1', 'bake-1')).toMatchObject({ state: 'completed', reused: false, image: { id: 'ami-new' } });
    expect(ec2.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toMatchObject({ Owners: ['self'], Filters: [{ Name: 'tag:gennaker:bake-id', Values: ['bake-1'] }] });
    expect(ec2.commandCalls(TerminateInstancesCommand)[0]?.args[0].input).toEqual({ InstanceIds: ['i-b'] });
  });

  it('bakeStatus: a failed provisioning or an overrun fails the bake and terminates the builder', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(TerminateInstancesCommand).resolves({});
    ec2.on(DescribeInstancesCommand).resolves(builder({ 'gennaker:bake-status': 'failed' }));
    expect(await provider.bakeStatus('test', 'us-east-1', 'bake-1')).toMatchObject({ state: 'failed', message: expect.stringContaining('provisioning failed') });
    ec2.on(DescribeInstancesCommand).resolves(builder({ 'gennaker:timeout-seconds': '600' }, 'running', now - 601_000));
    expect(await provider.bakeStatus('test', 'us-east-1', 'bake-1')).toMatchObject({ state: 'failed', message: expect.stringContaining('within 600 s') });
    expect(ec2.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceIds: ['i-b'] }, { InstanceIds: ['i-b'] }]);
  });
});

describe('alarms and load balancers', () => {
  it('alarmStates asks for the names (100 per call, paged) and reports the missing ones', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'errors', StateValue: 'ALARM', StateReason: 'Threshold crossed' }], NextToken: 'n' })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'latency', StateValue: 'OK' }] });
    const states = await provider.alarmStates('test', 'us-east-1', ['errors', 'latency', 'typo']);
    expect(states).toEqual([
      { name: 'errors', state: 'ALARM', reason: 'Threshold crossed' },
      { name: 'latency', state: 'OK' },
      { name: 'typo', state: 'MISSING', reason: 'no CloudWatch alarm named typo' },
    ]);
    expect(cw.commandCalls(DescribeAlarmsCommand)[1]?.args[0].input).toEqual({ AlarmNames: ['errors', 'latency', 'typo'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: 'n' });
  });

  it('listLoadBalancers pages target groups and counts healthy instances per server group', async () => {
    elb
      .on(DescribeTargetGroupsCommand)
      .resolvesOnce({ TargetGroups: [{ TargetGroupName: 'shop-web', TargetGroupArn: TG, Protocol: 'HTTP' }], NextMarker: 'm' })
      .resolvesOnce({ TargetGroups: [{ TargetGroupName: 'other-web', TargetGroupArn: 'arn:x:targetgroup/other-web/1' }] });
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        { AutoScalingGroupName: 'shop-web-v001', TargetGroupARNs: [TG], Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] } as never,
        { AutoScalingGroupName: 'shop-web-v000', TargetGroupARNs: [], Tags: [{ Key: 'gennaker:target-groups', Value: 'shop-web' }], Instances: [{ InstanceId: 'i-0' }] } as never,
      ],
    });
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } }, { Target: { Id: 'i-2' }, TargetHealth: { State: 'unhealthy' } }] });
    const lbs = await provider.listLoadBalancers('test', 'us-east-1', { application: 'shop' });
    expect(lbs).toEqual([
      {
        name: 'shop-web',
        account: 'test',
        region: 'us-east-1',
        type: 'target-group/http',
        serverGroups: [
          { name: 'shop-web-v001', enabled: true, healthyInstances: 1 },
          { name: 'shop-web-v000', enabled: false, healthyInstances: 0 },
        ],
      },
    ]);
    expect(elb.commandCalls(DescribeTargetGroupsCommand)[1]?.args[0].input).toEqual({ PageSize: 400, Marker: 'm' });
  });
});

describe('accounts', () => {
  it('shows name, regions, environment and defaults, never the role, external id or endpoint', () => {
    const p = createAwsProvider([{ name: 'prod', environment: 'prod', regions: ['us-east-1'], endpoint: 'http://127.0.0.1:1', assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/r', externalId: 'very-secret-ext' } }]);
    const shown = JSON.stringify(p.accounts());
    expect(p.accounts()).toEqual([{ name: 'prod', provider: 'aws', regions: ['us-east-1'], environment: 'prod', defaults: { subnetTypeTag: 'immutable_metadata' } }]);
    for (const secret of ['very-secret-ext', 'role/r', '127.0.0.1']) expect(shown).not.toContain(secret);
    p.destroy();
  });
});
