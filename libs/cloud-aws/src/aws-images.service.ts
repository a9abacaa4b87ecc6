import {
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type Image as Ec2Image,
  type Instance as Ec2Instance,
} from '@aws-sdk/client-ec2';
import type { BakeRequest, BakeState, Image } from '@gennaker/cloud';
import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { AwsClientFactory, AwsClients } from './aws-client.factory';
import { awsCall, awsCallTolerating, awsErrorCode, isAlreadyExists, isNotFound } from './aws-errors.util';
import { tagMap } from './aws-server-group.util';
import { selectSubnets } from './aws-subnets.util';
import { BAKE_HASH_TAG, BAKE_ID_TAG, BAKE_STATUS_TAG, PACKAGE_NAME, PACKAGE_VERSION, bakeImageName, bakeUserData } from './bake-script.util';

const BUILDER_TAG = 'gennaker:builder';
const IMAGE_NAME_TAG = 'gennaker:image-name';
/** Tags the builder carries from launch to the image it becomes. */
const CARRIED = ['gennaker:application', 'gennaker:package', 'gennaker:version', 'gennaker:commit', 'gennaker:base-ami', BAKE_HASH_TAG];
const ALIVE = ['pending', 'running'];
const DEFAULT_TIMEOUT_S = 3600;
/** Bake ids of bakes answered by an existing image: `reused:<ami id>`. */
const REUSED_PREFIX = 'reused:';

/** AMIs: lookups, and bakes by a builder instance that provisions itself and is imaged. */
export class AwsImagesService {
  constructor(
    private readonly factory: AwsClientFactory,
    private readonly now: () => number = Date.now,
  ) {}

  async find(account: string, region: string, query: { id?: string; name?: string; tags?: Record<string, string> }): Promise<Image[]> {
    const c = this.factory.clients(account, region);
    const filters: Filter[] = [{ Name: 'state', Values: ['available'] }];
    if (query.name) filters.push({ Name: 'name', Values: [query.name] });
    for (const [k, v] of Object.entries(query.tags ?? {})) filters.push({ Name: `tag:${k}`, Values: [v] });
    const images = query.id
      ? ((await awsCallTolerating(c, 'DescribeImages', () => c.ec2.send(new DescribeImagesCommand({ ImageIds: [query.id as string] })), (e) => awsErrorCode(e).startsWith('InvalidAMIID')))?.Images ?? [])
      : await this.describeImages(c, { Owners: ['self'], Filters: filters });
    return images
      .filter((i) => !query.name || !query.id || i.Name === query.name)
      .map((i) => toImage(i, account, region))
      .sort((a, b) => b.createdTime - a.createdTime || a.name.localeCompare(b.name));
  }

  /**
   * Reuses an AMI baked from the same inputs (unless rebake), joins a builder already running for
   * them (a retry after a crash), or launches a new builder. Returns at once.
   */
  async startBake(req: BakeRequest): Promise<BakeState> {
    const c = this.factory.clients(req.account, req.region);
    const inputs = validateBake(req);

    if (!req.rebake) {
      const [done] = (await this.describeImages(c, { Owners: ['self'], Filters: [{ Name: `tag:${BAKE_HASH_TAG}`, Values: [req.inputsHash] }, { Name: 'state', Values: ['available'] }] })).sort(newestImageFirst);
      // The id says "reused" so that polling it later answers reused too.
      if (done) return { state: 'completed', bakeId: `${REUSED_PREFIX}${done.ImageId}`, image: toImage(done, req.account, req.region), reused: true };
    }
    const [running] = await this.describeInstances(c, [{ Name: `tag:${BAKE_HASH_TAG}`, Values: [req.inputsHash] }, { Name: 'tag-key', Values: [BAKE_ID_TAG] }, { Name: 'instance-state-name', Values: ALIVE }]);
    const runningId = running && tagMap(running.Tags)[BAKE_ID_TAG];
    if (runningId) return { state: 'running', bakeId: runningId, message: `builder ${running.InstanceId} is already baking these inputs` };

    const base = await this.baseImage(c, req);
    const subnetId = await this.builderSubnet(c, inputs.subnetType ?? c.account.defaults.bakeSubnetType);
    const bakeId = `bake-${req.inputsHash.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}-${this.now().toString(36)}`;
    const imageName = bakeImageName(req.package, req.version, this.now());
    const application = req.tags?.['application'] ?? inputs.application;
    const tags: Record<string, string> = {
      ...Object.fromEntries(Object.entries(req.tags ?? {}).filter(([k]) => !k.startsWith('aws:'))),
      Name: `gennaker-bake ${req.package} ${req.version ?? ''}`.trim(),
      [BAKE_ID_TAG]: bakeId,
      [BAKE_HASH_TAG]: req.inputsHash,
      [IMAGE_NAME_TAG]: imageName,
      'gennaker:package': req.package,
      ...(req.version ? { 'gennaker:version': req.version } : {}),
      ...(inputs.commit ? { 'gennaker:commit': inputs.commit } : {}),
      ...(application ? { 'gennaker:application': application } : {}),
      'gennaker:base-ami': base.ImageId as string,
      'gennaker:timeout-seconds': String(inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_S),
    };
    const securityGroups = inputs.securityGroups ?? c.account.defaults.bakeSecurityGroups;
    const profile = inputs.iamInstanceProfile ?? c.account.defaults.bakeInstanceProfile;
    const out = await awsCall(
      c,
      'RunInstances',
      () =>
        c.ec2.send(
          new RunInstancesCommand({
            ImageId: base.ImageId,
            InstanceType: (inputs.instanceType ?? c.account.defaults.bakeInstanceType ?? 't3.small') as never,
            MinCount: 1,
            MaxCount: 1,
            // Real EC2 answers a retried call with the same token with the same instance.
            ClientToken: bakeId,
            SubnetId: subnetId,
            UserData: Buffer.from(bakeUserData({ package: req.package, ...(req.version ? { version: req.version } : {}), region: req.region, ...(inputs.provisioningScript ? { provisioningScript: inputs.provisioningScript } : {}) }), 'utf8').toString('base64'),
            ...(securityGroups && securityGroups.length > 0 ? { SecurityGroupIds: securityGroups } : {}),
            ...(profile ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
            InstanceInitiatedShutdownBehavior: 'terminate',
            MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
            TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
          }),
        ),
      { InvalidAMIID: '/baseAmi', InvalidGroup: '/extendedAttributes/securityGroups', InvalidIamInstanceProfile: '/extendedAttributes/iamInstanceProfile', InvalidSubnet: '/extendedAttributes/subnetType', InvalidParameterValue: '' },
    );
    return { state: 'running', bakeId, message: `builder ${out.Instances?.[0]?.InstanceId ?? ''} launched from ${base.ImageId} (${base.Name ?? ''})` };
  }

  /**
   * One poll: image available -> completed (builder terminated); builder reported ready -> image
   * it; builder failed, vanished or overran its timeout -> failed (builder terminated).
   */
  async bakeStatus(account: string, region: string, bakeId: string): Promise<BakeState> {
    const c = this.factory.clients(account, region);
    if (bakeId.startsWith(REUSED_PREFIX)) {
      const imageId = bakeId.slice(REUSED_PREFIX.length);
      const out = await awsCallTolerating(c, 'DescribeImages', () => c.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })), (e) => awsErrorCode(e).startsWith('InvalidAMIID'));
      const reused = out?.Images?.[0];
      if (reused?.State === 'available') return { state: 'completed', bakeId, image: toImage(reused, account, region), reused: true };
      return { state: 'failed', bakeId, message: `the reused image ${imageId} is ${reused?.State ?? 'gone'}` };
    }
    const [image] = await this.describeImages(c, { Owners: ['self'], Filters: [{ Name: `tag:${BAKE_ID_TAG}`, Values: [bakeId] }] });
    if (image) {
      const builder = tagMap(image.Tags)[BUILDER_TAG];
      switch (image.State) {
        case 'available':
          if (builder) await this.terminate(c, [builder]);
          return { state: 'completed', bakeId, image: toImage(image, account, region), reused: false };
        case 'pending':
          return { state: 'running', bakeId, message: `image ${image.ImageId} is being created` };
        default:
          if (builder) await this.terminate(c, [builder]);
          return { state: 'failed', bakeId, message: `image ${image.ImageId} is ${image.State ?? 'unknown'}: ${image.StateReason?.Message ?? 'no reason given'}` };
      }
    }

    const builders = await this.describeInstances(c, [{ Name: `tag:${BAKE_ID_TAG}`, Values: [bakeId] }]);
    const builder = builders.find((i) => ALIVE.includes(i.State?.Name ?? ''));
    if (!builder) {
      await this.terminate(c, builders.filter((i) => i.State?.Name !== 'terminated').map((i) => i.InstanceId as string));
      return { state: 'failed', bakeId, message: `the builder of ${bakeId} is gone (${builders.map((i) => `${i.InstanceId} ${i.State?.Name}`).join(', ') || 'never found'}) and no image was made` };
    }
    const tags = tagMap(builder.Tags);
    const id = builder.InstanceId as string;
    const status = tags[BAKE_STATUS_TAG];
    if (status === 'failed') {
      await this.terminate(c, [id]);
      return { state: 'failed', bakeId, message: `provisioning failed on builder ${id} (its console output has the log)` };
    }
    if (status === 'ready' && builder.State?.Name === 'running') {
      const name = tags[IMAGE_NAME_TAG] ?? bakeImageName(tags['gennaker:package'] ?? 'image', tags['gennaker:version'], this.now());
      const imageTags = { Name: name, [BAKE_ID_TAG]: bakeId, [BUILDER_TAG]: id, ...Object.fromEntries(CARRIED.filter((k) => tags[k] !== undefined).map((k) => [k, tags[k] as string])) };
      const tagList = Object.entries(imageTags).map(([Key, Value]) => ({ Key, Value }));
      // A duplicate name means an earlier poll created it and died before seeing it: found next poll.
      const created = await awsCallTolerating(
        c,
        'CreateImage',
        () => c.ec2.send(new CreateImageCommand({ InstanceId: id, Name: name, Description: `Gennaker bake ${bakeId}`, TagSpecifications: [{ ResourceType: 'image', Tags: tagList }] })),
        isAlreadyExists,
      );
      return { state: 'running', bakeId, message: `creating image ${created?.ImageId ?? name} from builder ${id}` };
    }
    const launched = builder.LaunchTime ? new Date(builder.LaunchTime).getTime() : this.now();
    const timeoutS = Number(tags['gennaker:timeout-seconds'] ?? DEFAULT_TIMEOUT_S);
    if (this.now() - launched > timeoutS * 1000) {
      await this.terminate(c, [id]);
      return { state: 'failed', bakeId, message: `builder ${id} did not report ready within ${timeoutS} s` };
    }
    return { state: 'running', bakeId, message: `builder ${id} is ${builder.State?.Name ?? 'starting'}, provisioning` };
  }

  /** Terminates the builder and drops an image still being made. */
  async cancelBake(account: string, region: string, bakeId: string): Promise<void> {
    if (bakeId.startsWith(REUSED_PREFIX)) return;
    const c = this.factory.clients(account, region);
    const builders = await this.describeInstances(c, [{ Name: `tag:${BAKE_ID_TAG}`, Values: [bakeId] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }]);
    await this.terminate(c, builders.map((i) => i.InstanceId as string));
    const images = await this.describeImages(c, { Owners: ['self'], Filters: [{ Name: `tag:${BAKE_ID_TAG}`, Values: [bakeId] }, { Name: 'state', Values: ['pending'] }] });
    for (const image of images) {
      await awsCallTolerating(c, 'DeregisterImage', () => c.ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId })), isNotFound);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private async baseImage(c: AwsClients, req: BakeRequest): Promise<Ec2Image> {
    const b = req.baseImage ?? {};
    const images = b.id
      ? ((await awsCallTolerating(c, 'DescribeImages', () => c.ec2.send(new DescribeImagesCommand({ ImageIds: [b.id as string] })), (e) => awsErrorCode(e).startsWith('InvalidAMIID')))?.Images ?? [])
      : await this.describeImages(c, { ...(b.owner ? { Owners: [b.owner] } : {}), Filters: [{ Name: 'name', Values: [b.name as string] }, { Name: 'state', Values: ['available'] }] });
    // A name may match many images (wildcards, several owners): the newest wins, as in Rosco.
    const [base] = images.sort(newestImageFirst);
    if (!base?.ImageId) {
      const what = b.id ? `no image ${b.id}` : `no available image named ${b.name}${b.owner ? ` owned by ${b.owner}` : ''}`;
      throw new InputError(`base image not found in ${c.account.name}/${c.region}`, [{ pointer: b.id ? '/baseAmi' : '/baseName', message: `${what} in ${c.account.name}/${c.region}` }]);
    }
    return base;
  }

  private async builderSubnet(c: AwsClients, subnetType: string | undefined): Promise<string> {
    const out = await awsCall(c, 'DescribeSubnets', () => c.ec2.send(new DescribeSubnetsCommand({ Filters: subnetType ? [{ Name: 'tag-key', Values: [c.account.subnetTypeTag] }] : [{ Name: 'default-for-az', Values: ['true'] }] })));
    const [subnet] = selectSubnets(out.Subnets ?? [], { ...(subnetType ? { subnetType } : {}), tagKey: c.account.subnetTypeTag });
    if (!subnet?.SubnetId) {
      throw new InputError(`no subnet for the bake builder in ${c.account.name}/${c.region}`, [{ pointer: '/extendedAttributes/subnetType', message: subnetType ? `no subnet tagged ${c.account.subnetTypeTag} = ${subnetType}` : 'no default subnet: give inputs.subnetType or defaults.bakeSubnetType' }]);
    }
    return subnet.SubnetId;
  }

  private async terminate(c: AwsClients, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await awsCallTolerating(c, 'TerminateInstances', () => c.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids })), isNotFound);
  }

  private async describeImages(c: AwsClients, input: { Owners?: string[]; Filters: Filter[] }): Promise<Ec2Image[]> {
    const out: Ec2Image[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeImages', () => c.ec2.send(new DescribeImagesCommand({ ...input, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) })));
      out.push(...(page.Images ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }

  private async describeInstances(c: AwsClients, filters: Filter[]): Promise<Ec2Instance[]> {
    const out: Ec2Instance[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall(c, 'DescribeInstances', () => c.ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) })));
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }
}

interface BakeInputs {
  instanceType?: string;
  iamInstanceProfile?: string;
  subnetType?: string;
  securityGroups?: string[];
  provisioningScript?: string;
  commit?: string;
  application?: string;
  /** How long the builder may take to report ready (default one hour). */
  timeoutSeconds?: number;
}

/**
 * The request's fields and the AWS inputs this provider reads. The bake stage passes its own
 * context keys as `inputs` (Rosco's: instanceType, commit, extendedAttributes...), so pointers
 * name those keys. AWS-only settings Rosco has no key for come in `extendedAttributes`:
 * iamInstanceProfile, subnetType, securityGroups (comma-separated ids), provisioningScript,
 * timeoutSeconds.
 */
function validateBake(req: BakeRequest): BakeInputs {
  const errors: ErrorDetail[] = [];
  const bad = (pointer: string, message: string) => errors.push({ pointer, message });
  if (typeof req.package !== 'string' || !PACKAGE_NAME.test(req.package)) bad('/package', 'must be a package name (letters, digits and +._-, starting with a letter or digit)');
  if (req.version !== undefined && (typeof req.version !== 'string' || !PACKAGE_VERSION.test(req.version))) bad('/version', 'must be a package version (letters, digits and +.~:_-)');
  if (typeof req.inputsHash !== 'string' || !/^[A-Za-z0-9+/=._:-]{1,256}$/.test(req.inputsHash)) bad('/inputsHash', 'must be a hash of at most 256 characters');
  const b = req.baseImage;
  if (!b || (!b.id && !b.name)) bad('/baseAmi', 'a base image is required: baseAmi (an AMI id) or baseName (an AMI name, wildcards allowed)');
  else if (b.id && !/^ami-[0-9a-f]{8,17}$/.test(b.id)) bad('/baseAmi', 'must be an AMI id such as ami-0123456789abcdef0');
  const inputs = isPlainObject(req.inputs) ? req.inputs : {};
  const ext = isPlainObject(inputs['extendedAttributes']) ? inputs['extendedAttributes'] : {};
  const out: BakeInputs = {};
  const str = (value: unknown, pointer: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      bad(pointer, 'must be a non-empty string');
      return undefined;
    }
    return value;
  };
  const instanceType = str(inputs['instanceType'], '/instanceType');
  if (instanceType !== undefined && !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType)) bad('/instanceType', 'must be an EC2 instance type such as t3.small');
  else if (instanceType) out.instanceType = instanceType;
  const commit = str(inputs['commit'], '/commit');
  if (commit !== undefined && commit.length > 256) bad('/commit', 'must be at most 256 characters');
  else if (commit) out.commit = commit;
  const application = str(inputs['application'], '/application');
  if (application) out.application = application;
  for (const key of ['iamInstanceProfile', 'subnetType', 'provisioningScript'] as const) {
    const v = str(ext[key], `/extendedAttributes/${key}`);
    if (v) out[key] = v;
  }
  const sgs = ext['securityGroups'];
  if (sgs !== undefined) {
    const list = typeof sgs === 'string' ? sgs.split(',').map((x) => x.trim()).filter((x) => x !== '') : sgs;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && /^sg-[0-9a-f]+$/.test(x))) bad('/extendedAttributes/securityGroups', 'must be security group ids (sg-...), comma-separated');
    else out.securityGroups = list as string[];
  }
  const timeout = ext['timeoutSeconds'];
  if (timeout !== undefined) {
    const n = typeof timeout === 'string' ? Number(timeout) : timeout;
    if (!Number.isInteger(n) || (n as number) < 60 || (n as number) > 86_400) bad('/extendedAttributes/timeoutSeconds', 'must be an integer from 60 to 86400');
    else out.timeoutSeconds = n as number;
  }
  if (errors.length > 0) throw new InputError('invalid bake request', errors);
  return out;
}

function newestImageFirst(a: Ec2Image, b: Ec2Image): number {
  return (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '');
}

function toImage(i: Ec2Image, account: string, region: string): Image {
  return { id: i.ImageId ?? '', name: i.Name ?? '', account, region, createdTime: i.CreationDate ? Date.parse(i.CreationDate) : 0, tags: tagMap(i.Tags) };
}
