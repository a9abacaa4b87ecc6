import {
  AttachLoadBalancerTargetGroupsCommand,
  AttachLoadBalancersCommand,
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachLoadBalancersCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type Filter as AsgFilter,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type Filter as Ec2Filter,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Capacity, ServerGroup, ServerGroupSpec } from '@gennaker/cloud';
import { InputError, NotFoundError, TransientError, errorMessage } from '@gennaker/common';
import type { AwsClientFactory, AwsClients } from './aws-client.factory';
import { awsCall, awsCallTolerating, awsErrorCode, isAlreadyExists, isNotFound } from './aws-errors.util';
import { SPEC_POINTERS as P, capacityErrors, resolveServerGroupSpec, type ResolvedSpec } from './aws-server-group-spec.util';
import { DISABLE_PROCESSES, TAG, asgTags, isEnabled, tagMap, toServerGroup, type TargetHealthIndex } from './aws-server-group.util';
import { selectSubnets } from './aws-subnets.util';
import { clusterOf, launchTemplateNameOf } from './frigga-name.util';

/** Auto Scaling groups with one launch template each, behind ELBv2 target groups. */
export class AwsServerGroupsService {
  constructor(private readonly factory: AwsClientFactory) {}

  async list(account: string, region: string, filter: { application: string; cluster?: string }): Promise<ServerGroup[]> {
    const c = this.factory.clients(account, region);
    const filters: AsgFilter[] = [{ Name: `tag:${TAG.application}`, Values: [filter.application] }];
    if (filter.cluster !== undefined) filters.push({ Name: `tag:${TAG.cluster}`, Values: [filter.cluster] });
    const groups = (await this.describeGroups(c, { Filters: filters })).filter((g) => filter.cluster === undefined || clusterOf(g.AutoScalingGroupName ?? '') === filter.cluster);
    const health = await this.targetHealth(c, groups);
    return groups.map((g) => toServerGroup(g, account, region, health)).sort((a, b) => a.createdTime - b.createdTime || a.name.localeCompare(b.name));
  }

  async get(account: string, region: string, name: string): Promise<ServerGroup | null> {
    const c = this.factory.clients(account, region);
    const asg = await this.describeOne(c, name);
    if (!asg) return null;
    const group = toServerGroup(asg, account, region, await this.targetHealth(c, [asg]));
    if (group.image.id === '') group.image = await this.imageOfLaunchTemplate(c, asg);
    return group;
  }

  /**
   * Idempotent by name: a group that exists is returned as it is; a launch template left by an
   * attempt that died before creating the group is reused. Never creates a second group.
   */
  async create(spec: ServerGroupSpec): Promise<ServerGroup> {
    const c = this.factory.clients(spec.account, spec.region);
    const r = resolveServerGroupSpec(spec, c.account);
    const existing = await this.describeOne(c, spec.name);
    if (existing) return this.settleExisting(c, r, existing);

    const [image, subnets, securityGroupIds, targetGroupArns] = await Promise.all([
      this.findImage(c, spec.image.id),
      this.subnetsFor(c, r),
      this.securityGroupIds(c, r.securityGroups),
      this.targetGroupArns(c, r.targetGroups),
    ]);
    if (!r.tags[TAG.imageName] && image.Name) r.tags[TAG.imageName] = image.Name.slice(0, 256);

    const ltName = launchTemplateNameOf(spec.name);
    const instanceTags = Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value }));
    // A template left by an attempt that died before the group was created is reused.
    await awsCallTolerating(
      c,
      'CreateLaunchTemplate',
      () =>
        c.ec2.send(
          new CreateLaunchTemplateCommand({
            LaunchTemplateName: ltName,
            VersionDescription: `gennaker ${spec.name}`,
            LaunchTemplateData: {
              ImageId: spec.image.id,
              InstanceType: r.instanceType as never,
              ...(r.userData ? { UserData: r.userData } : {}),
              ...(securityGroupIds.length > 0 ? { SecurityGroupIds: securityGroupIds } : {}),
              ...(r.keyPair ? { KeyName: r.keyPair } : {}),
              ...(r.iamInstanceProfile ? { IamInstanceProfile: r.iamInstanceProfile.startsWith('arn:') ? { Arn: r.iamInstanceProfile } : { Name: r.iamInstanceProfile } } : {}),
              // IMDSv2 only: the instance role's credentials are not readable by a simple SSRF.
              MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
              TagSpecifications: [
                { ResourceType: 'instance', Tags: instanceTags },
                { ResourceType: 'volume', Tags: instanceTags },
              ],
            },
            TagSpecifications: [{ ResourceType: 'launch-template', Tags: instanceTags }],
          }),
        ),
      isAlreadyExists,
      { InvalidKeyPair: P.keyPair, InvalidGroup: P.securityGroups, InvalidAMIID: P.image, InvalidUserData: P.userData, InvalidIamInstanceProfile: P.iamInstanceProfile, InvalidParameterValue: '' },
    );

    // AlreadyExists: another attempt (a worker thought dead) created it meanwhile: the same group.
    const created = await awsCallTolerating(
      c,
      'CreateAutoScalingGroup',
      () =>
        c.autoScaling.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: spec.name,
            LaunchTemplate: { LaunchTemplateName: ltName, Version: '$Latest' },
            MinSize: spec.capacity.min,
            MaxSize: spec.capacity.max,
            DesiredCapacity: spec.capacity.desired,
            VPCZoneIdentifier: subnets.join(','),
            ...(!spec.startDisabled && targetGroupArns.length > 0 ? { TargetGroupARNs: targetGroupArns } : {}),
            ...(!spec.startDisabled && r.loadBalancers.length > 0 ? { LoadBalancerNames: r.loadBalancers } : {}),
            HealthCheckType: r.healthCheckType,
            HealthCheckGracePeriod: r.healthCheckGracePeriodSeconds,
            TerminationPolicies: ['Default'],
            Tags: asgTags(spec.name, r.tags),
          }),
        ),
      isAlreadyExists,
      { LimitExceeded: P.capacity, ValidationError: '' },
    );
    if (created === undefined) {
      // The name is taken: by our earlier attempt (fine), or by a group still being deleted.
      const [taken] = await this.describeGroups(c, { AutoScalingGroupNames: [spec.name] }, { includeDeleting: true });
      if (taken?.Status && /delete/i.test(taken.Status)) throw new TransientError(`server group ${spec.name} is still being deleted; its name is not free yet`);
    }
    if (spec.startDisabled) await this.suspend(c, spec.name, ['AddToLoadBalancer']);

    // Built from what we sent rather than described again: one call less per deploy. Instances
    // appear on the next getServerGroup.
    const now = Date.now();
    return toServerGroup(
      {
        AutoScalingGroupName: spec.name,
        MinSize: spec.capacity.min,
        MaxSize: spec.capacity.max,
        DesiredCapacity: spec.capacity.desired,
        LaunchTemplate: { LaunchTemplateName: ltName, Version: '$Latest' },
        VPCZoneIdentifier: subnets.join(','),
        TargetGroupARNs: spec.startDisabled ? [] : targetGroupArns,
        LoadBalancerNames: spec.startDisabled ? [] : r.loadBalancers,
        HealthCheckType: r.healthCheckType,
        HealthCheckGracePeriod: r.healthCheckGracePeriodSeconds,
        SuspendedProcesses: spec.startDisabled ? [{ ProcessName: 'AddToLoadBalancer' }] : [],
        Instances: [],
        CreatedTime: new Date(now),
        Tags: asgTags(spec.name, r.tags),
        DefaultCooldown: 300,
        AvailabilityZones: [],
      },
      spec.account,
      spec.region,
      undefined,
    );
  }

  /**
   * Capacity change. A disabled group has Launch and Terminate suspended; resuming them lets the
   * resize happen while AddToLoadBalancer stays suspended, so the group stays out of traffic.
   */
  async resize(account: string, region: string, name: string, capacity: Capacity): Promise<void> {
    const errors = capacityErrors(capacity);
    if (errors.length > 0) throw new InputError(`invalid capacity for ${name}`, errors);
    const c = this.factory.clients(account, region);
    await this.resume(c, name, ['Launch', 'Terminate']);
    await this.onGroup(c, name, 'UpdateAutoScalingGroup', () =>
      c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: capacity.min, MaxSize: capacity.max, DesiredCapacity: capacity.desired })),
    );
  }

  /**
   * Clouddriver's disable: suspend Launch, Terminate and AddToLoadBalancer first (nothing new joins
   * a target group meanwhile), then detach the group from its target groups and classic load
   * balancers, which deregisters its instances. The names stay in tags for enable.
   */
  async disable(account: string, region: string, name: string): Promise<void> {
    const c = this.factory.clients(account, region);
    const asg = await this.describeOne(c, name);
    if (!asg) throw new NotFoundError(`server group ${name} not found in ${account}/${region}`);
    const tags = tagMap(asg.Tags);
    const attachedTgs = asg.TargetGroupARNs ?? [];
    const attachedLbs = asg.LoadBalancerNames ?? [];
    // Groups made elsewhere (Spinnaker) have no tag yet: record what enable must re-attach.
    const record: Record<string, string> = {};
    if (!tags[TAG.targetGroups] && attachedTgs.length > 0) record[TAG.targetGroups] = attachedTgs.map((a) => a.split('/')[1] ?? a).join(',');
    if (!tags[TAG.loadBalancers] && attachedLbs.length > 0) record[TAG.loadBalancers] = attachedLbs.join(',');
    if (Object.keys(record).length > 0) {
      await awsCall(c, 'CreateOrUpdateTags', () => c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: asgTags(name, record).map((t) => ({ ...t, PropagateAtLaunch: false })) })));
    }
    const suspended = new Set((asg.SuspendedProcesses ?? []).map((p) => p.ProcessName));
    if (!DISABLE_PROCESSES.every((p) => suspended.has(p))) await this.suspend(c, name, DISABLE_PROCESSES);
    if (attachedTgs.length > 0) {
      await awsCall(c, 'DetachLoadBalancerTargetGroups', () => c.autoScaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: attachedTgs })));
    }
    if (attachedLbs.length > 0) {
      await awsCall(c, 'DetachLoadBalancers', () => c.autoScaling.send(new DetachLoadBalancersCommand({ AutoScalingGroupName: name, LoadBalancerNames: attachedLbs })));
    }
  }

  /** The reverse of disable: attach to the recorded target groups and load balancers, resume. */
  async enable(account: string, region: string, name: string): Promise<void> {
    const c = this.factory.clients(account, region);
    const asg = await this.describeOne(c, name);
    if (!asg) throw new NotFoundError(`server group ${name} not found in ${account}/${region}`);
    const tags = tagMap(asg.Tags);
    const wantTgs = (tags[TAG.targetGroups] ?? '').split(',').filter((s) => s !== '');
    const wantLbs = (tags[TAG.loadBalancers] ?? '').split(',').filter((s) => s !== '');
    const attachedTgNames = new Set((asg.TargetGroupARNs ?? []).map((a) => a.split('/')[1]));
    const missingTgs = wantTgs.filter((n) => !attachedTgNames.has(n));
    if (missingTgs.length > 0) {
      const arns = await this.targetGroupArns(c, missingTgs);
      await awsCall(c, 'AttachLoadBalancerTargetGroups', () => c.autoScaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns })));
    }
    const missingLbs = wantLbs.filter((n) => !(asg.LoadBalancerNames ?? []).includes(n));
    if (missingLbs.length > 0) {
      await awsCall(c, 'AttachLoadBalancers', () => c.autoScaling.send(new AttachLoadBalancersCommand({ AutoScalingGroupName: name, LoadBalancerNames: missingLbs })));
    }
    if ((asg.SuspendedProcesses ?? []).some((p) => DISABLE_PROCESSES.includes(p.ProcessName ?? ''))) await this.resume(c, name, DISABLE_PROCESSES);
  }

  /** Deletes the group (terminating its instances) and its launch template; gone already is fine. */
  async destroy(account: string, region: string, name: string): Promise<void> {
    const c = this.factory.clients(account, region);
    // "Delete in progress" from an earlier attempt counts as done.
    const goneOrGoing = (err: unknown) => isNotFound(err) || /delete.*in progress|pending delete/i.test(errorMessage(err));
    await awsCallTolerating(c, 'DeleteAutoScalingGroup', () => c.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true })), goneOrGoing);
    // moto answers MissingParameter for an unknown template name where EC2 answers NotFound.
    const templateGone = (err: unknown) => isNotFound(err) || awsErrorCode(err) === 'MissingParameter';
    await awsCallTolerating(c, 'DeleteLaunchTemplate', () => c.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: launchTemplateNameOf(name) })), templateGone);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The group, or null when absent or being deleted (it no longer counts in its cluster). */
  private async describeOne(c: AwsClients, name: string): Promise<AutoScalingGroup | null> {
    const [asg] = await this.describeGroups(c, { AutoScalingGroupNames: [name] });
    return asg ?? null;
  }

  private async describeGroups(c: AwsClients, input: { AutoScalingGroupNames?: string[]; Filters?: AsgFilter[] }, opts: { includeDeleting?: boolean } = {}): Promise<AutoScalingGroup[]> {
    const out: AutoScalingGroup[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeAutoScalingGroups', () => c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ ...input, MaxRecords: 100, ...(NextToken ? { NextToken } : {}) })));
      out.push(...(page.AutoScalingGroups ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return opts.includeDeleting ? out : out.filter((g) => !g.Status || !/delete/i.test(g.Status));
  }

  /** Target health of the enabled groups' attached target groups: one call per target group. */
  private async targetHealth(c: AwsClients, groups: AutoScalingGroup[]): Promise<TargetHealthIndex> {
    const arns = [...new Set(groups.filter(isEnabled).flatMap((g) => g.TargetGroupARNs ?? []))];
    const index: TargetHealthIndex = new Map();
    await Promise.all(
      arns.map(async (arn) => {
        // A target group deleted under the group: its instances are then not Up (unregistered).
        const out = await awsCallTolerating(c, 'DescribeTargetHealth', () => c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })), isNotFound);
        const byInstance = new Map<string, TargetHealthDescription>();
        for (const d of out?.TargetHealthDescriptions ?? []) if (d.Target?.Id) byInstance.set(d.Target.Id, d);
        index.set(arn, byInstance);
      }),
    );
    return index;
  }

  /** Retry of a create that got as far as the group: make a startDisabled group disabled. */
  private async settleExisting(c: AwsClients, r: ResolvedSpec, asg: AutoScalingGroup): Promise<ServerGroup> {
    if (r.spec.startDisabled && isEnabled(asg) && (asg.TargetGroupARNs ?? []).length === 0) {
      await this.suspend(c, r.spec.name, ['AddToLoadBalancer']);
      asg.SuspendedProcesses = [...(asg.SuspendedProcesses ?? []), { ProcessName: 'AddToLoadBalancer' }];
    }
    return toServerGroup(asg, c.account.name, c.region, await this.targetHealth(c, [asg]));
  }

  private async suspend(c: AwsClients, name: string, processes: string[]): Promise<void> {
    await this.onGroup(c, name, 'SuspendProcesses', () => c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes })));
  }

  private async resume(c: AwsClients, name: string, processes: string[]): Promise<void> {
    await this.onGroup(c, name, 'ResumeProcesses', () => c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes })));
  }

  /** A call on a named group: its absence is a NotFoundError (never retried), not a bad input. */
  private async onGroup<T>(c: AwsClients, name: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const out = await awsCallTolerating(c, operation, fn, isNotFound);
    if (out === undefined) throw new NotFoundError(`server group ${name} not found in ${c.account.name}/${c.region}`);
    return out;
  }

  private async findImage(c: AwsClients, imageId: string): Promise<{ ImageId?: string; Name?: string; State?: string }> {
    const out = await awsCallTolerating(c, 'DescribeImages', () => c.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })), (err) => awsErrorCode(err).startsWith('InvalidAMIID'));
    const image = out?.Images?.[0];
    if (!image) throw new InputError(`image ${imageId} not found in ${c.account.name}/${c.region}`, [{ pointer: P.image, message: `no image ${imageId} in ${c.account.name}/${c.region} (bake or copy it there first)` }]);
    if (image.State && image.State !== 'available') throw new TransientError(`image ${imageId} is ${image.State}, not yet available`);
    return image;
  }

  private async subnetsFor(c: AwsClients, r: ResolvedSpec): Promise<string[]> {
    const filters: Ec2Filter[] = r.subnetType ? [{ Name: 'tag-key', Values: [c.account.subnetTypeTag] }] : [{ Name: 'default-for-az', Values: ['true'] }];
    const subnets = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeSubnets', () => c.ec2.send(new DescribeSubnetsCommand({ Filters: filters, ...(NextToken ? { NextToken } : {}) })));
      subnets.push(...(page.Subnets ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    const chosen = selectSubnets(subnets, { ...(r.subnetType ? { subnetType: r.subnetType } : {}), tagKey: c.account.subnetTypeTag, ...(r.availabilityZones ? { availabilityZones: r.availabilityZones } : {}) });
    if (chosen.length === 0) {
      const what = r.subnetType ? `no subnet tagged ${c.account.subnetTypeTag} = ${r.subnetType}` : 'no default subnet (give a subnetType)';
      throw new InputError(`${what} in ${c.account.name}/${c.region}`, [{ pointer: P.subnetType, message: `${what} in ${c.account.name}/${c.region}${r.availabilityZones ? ` and zones ${r.availabilityZones.join(', ')}` : ''}` }]);
    }
    return chosen.map((s) => s.SubnetId as string);
  }

  /** Security group ids as given, names looked up (one call for all of them). */
  private async securityGroupIds(c: AwsClients, groups: string[]): Promise<string[]> {
    const names = groups.filter((g) => !/^sg-[0-9a-f]+$/.test(g));
    if (names.length === 0) return groups;
    const out = await awsCall(c, 'DescribeSecurityGroups', () => c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }] })));
    const byName = new Map((out.SecurityGroups ?? []).map((g) => [g.GroupName, g.GroupId as string]));
    const details = groups.flatMap((g, i) => (names.includes(g) && !byName.has(g) ? [{ pointer: `${P.securityGroups}/${i}`, message: `no security group named ${g} in ${c.account.name}/${c.region}` }] : []));
    if (details.length > 0) throw new InputError('unknown security group', details);
    return groups.map((g) => byName.get(g) ?? g);
  }

  private async targetGroupArns(c: AwsClients, names: string[], at: string = P.targetGroups): Promise<string[]> {
    if (names.length === 0) return [];
    // ELBv2 answers TargetGroupNotFound for the whole call when any name is unknown.
    const out = await awsCallTolerating(c, 'DescribeTargetGroups', () => c.elb.send(new DescribeTargetGroupsCommand({ Names: names })), isNotFound);
    const byName = new Map((out?.TargetGroups ?? []).map((t) => [t.TargetGroupName, t.TargetGroupArn as string]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new InputError(`unknown target group in ${c.account.name}/${c.region}`, [
        { pointer: at, message: `${out ? missing.join(', ') : `one of ${names.join(', ')}`} not found in ${c.account.name}/${c.region}` },
      ]);
    }
    return names.map((n) => byName.get(n) as string);
  }

  /** Image of a group made elsewhere (no gennaker:image-id tag): from its launch template. */
  private async imageOfLaunchTemplate(c: AwsClients, asg: AutoScalingGroup): Promise<{ id: string }> {
    const lt = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!lt?.LaunchTemplateId && !lt?.LaunchTemplateName) return { id: '' };
    const out = await awsCallTolerating(
      c,
      'DescribeLaunchTemplateVersions',
      () =>
        c.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({
            ...(lt.LaunchTemplateId ? { LaunchTemplateId: lt.LaunchTemplateId } : { LaunchTemplateName: lt.LaunchTemplateName }),
            Versions: [lt.Version ?? '$Default'],
          }),
        ),
      isNotFound,
    );
    return { id: out?.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId ?? '' };
  }
}
