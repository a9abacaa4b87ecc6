// The AWS provider against moto_server, driven through the real cloud stages (bake, deploy with
// its strategies, rollbackCluster) and the engine's state machine: two regions, two accounts (one
// through STS assume-role). Runs when AWS_ENDPOINT_URL is set, e.g.
//   cd /tmp/moto && python3 -m moto.server -H 127.0.0.1 -p 5055 &
//   AWS_ENDPOINT_URL=http://127.0.0.1:5055 npx vitest run --project int libs/cloud-aws
import { ProviderRegistry, type ServerGroup } from '@gennaker/cloud';
import { CloudStageDriver, InMemoryClusterLock } from '@gennaker/cloud/testing';
import type { Execution } from '@gennaker/engine';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider, type AwsProvider } from './aws.provider';
import {
  AWS_TEST_ENDPOINT,
  BakeBuilderSimulator,
  assumeRoleForTest,
  createTargetGroup,
  ensureFakeCredentials,
  groupInstances,
  healthyTargets,
  makeGroupUnhealthy,
  publicImage,
  putAlarm,
  type MotoTarget,
} from './testing';

if (!AWS_TEST_ENDPOINT) console.log('[cloud-aws] moto_server suite skipped: set AWS_ENDPOINT_URL (e.g. http://127.0.0.1:5055) with moto_server running');

const R1 = 'us-east-1';
const R2 = 'us-west-2';
const REGIONS = [R1, R2];
// A run id keeps this run's applications apart from earlier runs on the same moto_server.
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
const ROLE_ACCOUNT = String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/gennaker-deployer`;
const EXTERNAL_ID = `ext-${RUN}`;
const BASE_NAME = 'ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*';

describe.skipIf(!AWS_TEST_ENDPOINT)('AWS provider against moto_server', () => {
  const endpoint = AWS_TEST_ENDPOINT as string;
  let provider: AwsProvider;
  let simulator: BakeBuilderSimulator;
  const targets: Record<string, Record<string, MotoTarget>> = {};
  const tgArns: Record<string, Record<string, string>> = {};
  const callsPerDeploy: Array<{ account: string; step: string; calls: number; byOperation: Record<string, number> }> = [];

  beforeAll(async () => {
    ensureFakeCredentials();
    provider = createAwsProvider(
      [
        { name: 'test', provider: 'aws', environment: 'test', regions: REGIONS, endpoint, defaults: { instanceType: 't3.micro' } },
        { name: 'prod', provider: 'aws', environment: 'prod', regions: REGIONS, endpoint, assumeRole: { roleArn: ROLE_ARN, externalId: EXTERNAL_ID }, defaults: { instanceType: 't3.small' } },
      ],
      { pollIntervalMs: 100, logger: { debug: () => undefined, log: () => undefined, warn: () => undefined } },
    );
    const roleCredentials = await assumeRoleForTest(endpoint, R1, ROLE_ARN, EXTERNAL_ID);
    for (const account of ['test', 'prod']) {
      targets[account] = {};
      tgArns[account] = {};
      for (const region of REGIONS) {
        const t: MotoTarget = { endpoint, region, ...(account === 'prod' ? { credentials: roleCredentials } : {}) };
        targets[account]![region] = t;
        tgArns[account]![region] = await createTargetGroup(t, `app${RUN}-${account}`);
      }
    }
    simulator = new BakeBuilderSimulator(Object.values(targets).flatMap((byRegion) => Object.values(byRegion))).start(150);
  });

  afterAll(() => {
    simulator?.stop();
    provider?.destroy();
    if (callsPerDeploy.length > 0) console.log(`[cloud-aws] AWS API calls per step: ${JSON.stringify(callsPerDeploy)}`);
  });

  function newDriver(): CloudStageDriver {
    const ref: { driver?: CloudStageDriver } = {};
    const lock = new InMemoryClusterLock(Date.now, (owner) => {
      const e = ref.driver?.executions.get(owner);
      return !!e && !['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(e.status);
    });
    ref.driver = new CloudStageDriver({ providers: new ProviderRegistry([provider]), lock }, 'real');
    return ref.driver;
  }

  const app = (account: string) => `app${RUN}${account}`;
  const bakeStage = (account: string) => ({ refId: 'bake', type: 'bake', name: 'Bake', account, regions: REGIONS, package: `pkg${RUN}`, version: '1.0.0', baseName: BASE_NAME, cloudProviderType: 'aws' });
  const deployStage = (account: string, cluster: Record<string, unknown>) => ({
    refId: 'deploy',
    type: 'deploy',
    name: 'Deploy',
    requisiteStageRefIds: ['bake'],
    clusters: [
      {
        application: app(account),
        stack: 'web',
        account,
        cloudProvider: 'aws',
        availabilityZones: { [R1]: [], [R2]: [] },
        capacity: { min: 2, max: 2, desired: 2 },
        targetGroups: [`app${RUN}-${account}`],
        healthCheckType: 'ELB',
        ...cluster,
      },
    ],
  });

  async function runPipeline(account: string, step: string, stages: Array<Record<string, unknown>>): Promise<Execution> {
    const driver = newDriver();
    provider.factory.stats.reset();
    const id = driver.start(stages, { application: app(account) });
    const e = await driver.runToEnd(id, 90_000);
    const failed = e.stages.filter((s) => s.status === 'TERMINAL').map((s) => `${s.name}: ${s.error?.message} ${JSON.stringify(s.error?.details ?? [])}`);
    expect(failed, step).toEqual([]);
    expect(e.status, step).toBe('SUCCEEDED');
    const { calls, byOperation } = provider.factory.stats.summary();
    callsPerDeploy.push({ account, step, calls, byOperation });
    return e;
  }

  async function cluster(account: string, region: string): Promise<Array<[string, boolean, number]>> {
    const groups = await provider.listServerGroups(account, region, { application: app(account), cluster: `${app(account)}-web` });
    return groups.map((g: ServerGroup) => [g.name, g.enabled, g.capacity.desired] as [string, boolean, number]);
  }

  async function serving(account: string, region: string): Promise<string[]> {
    return healthyTargets(targets[account]![region]!, tgArns[account]![region]!);
  }

  describe.each(['test', 'prod'])('account %s', (account) => {
    const name = (v: number) => `${app(account)}-web-v${String(v).padStart(3, '0')}`;

    it('bakes in two regions, then red/black v000, red/black v001 (v000 disabled, kept, scaled down), highlander v002, red/black v003, rollbackCluster', async () => {
      // 1. bake in both regions + red/black v000
      const first = await runPipeline(account, 'bake + red/black v000', [bakeStage(account), deployStage(account, { strategy: 'redblack' })]);
      const details = first.stages.find((s) => s.name === 'Bake')?.outputs['deploymentDetails'] as Array<{ region: string; imageId: string }>;
      expect(details.map((d) => d.region).sort()).toEqual(REGIONS);
      for (const d of details) {
        const [image] = await provider.findImages(account, d.region, { id: d.imageId });
        expect(image?.name).toMatch(new RegExp(`^pkg${RUN}-1\\.0\\.0-\\d{14}$`));
        expect(image?.tags).toMatchObject({ 'gennaker:package': `pkg${RUN}`, 'gennaker:version': '1.0.0', 'gennaker:application': app(account), 'gennaker:inputs-hash': expect.any(String) });
        expect(image?.tags['gennaker:base-ami']).toMatch(/^ami-/);
      }
      for (const region of REGIONS) {
        expect(await cluster(account, region)).toEqual([[name(0), true, 2]]);
        expect(await serving(account, region)).toEqual(await groupInstances(targets[account]![region]!, name(0)));
      }

      // 2. same inputs: the bake reuses the AMI; red/black v001 with scaleDown keeps v000 disabled at 0
      const second = await runPipeline(account, 'bake (reused) + red/black v001', [bakeStage(account), deployStage(account, { strategy: 'redblack', scaleDown: true, maxRemainingAsgs: 3 })]);
      const reused = second.stages.filter((s) => s.type === 'bake' && s.context['bakeInRegion'] === true).map((s) => s.context['reused']);
      expect(reused).toEqual([true, true]);
      for (const region of REGIONS) {
        expect(await cluster(account, region)).toEqual([
          [name(0), false, 0],
          [name(1), true, 2],
        ]);
        expect(await serving(account, region)).toEqual(await groupInstances(targets[account]![region]!, name(1)));
      }

      // 3. highlander v002: everything else destroyed (groups and their launch templates)
      await runPipeline(account, 'highlander v002', [bakeStage(account), deployStage(account, { strategy: 'highlander' })]);
      for (const region of REGIONS) {
        expect(await cluster(account, region)).toEqual([[name(2), true, 2]]);
        expect(await provider.getServerGroup(account, region, name(1))).toBeNull();
      }

      // 4. red/black v003 without scale down: v002 stays disabled at full size, ready to roll back to
      await runPipeline(account, 'red/black v003', [bakeStage(account), deployStage(account, { strategy: 'redblack' })]);
      for (const region of REGIONS) {
        expect(await cluster(account, region)).toEqual([
          [name(2), false, 2],
          [name(3), true, 2],
        ]);
      }

      // 5. rollbackCluster: v002 serves again, v003 is disabled
      await runPipeline(account, 'rollbackCluster', [{ refId: 'rb', type: 'rollbackCluster', name: 'Rollback', cluster: `${app(account)}-web`, credentials: account, cloudProvider: 'aws', regions: REGIONS }]);
      for (const region of REGIONS) {
        expect(await cluster(account, region)).toEqual([
          [name(2), true, 2],
          [name(3), false, 2],
        ]);
        expect(await serving(account, region)).toEqual(await groupInstances(targets[account]![region]!, name(2)));
      }
    });
  });

  it('a new group that never becomes healthy fails the deploy after its timeout; the old one keeps serving', async () => {
    const account = 'test';
    const t = targets[account]![R1]!;
    const application = `bad${RUN}`;
    const tg = `bad${RUN}`;
    const tgArn = await createTargetGroup(t, tg);
    const deploy = (extra: Record<string, unknown>) => ({
      refId: 'd',
      type: 'deploy',
      name: 'Deploy',
      clusters: [{ application, account, availabilityZones: { [R1]: [] }, capacity: { min: 2, max: 2, desired: 2 }, targetGroups: [tg], imageId: extra['imageId'], strategy: 'redblack', rollback: { onFailure: true }, waitForUpInstancesTimeoutSec: 3, ...extra }],
    });
    const imageId = await publicImage(t, BASE_NAME);
    const good = newDriver();
    expect((await good.runToEnd(good.start([deploy({ imageId })], { application }), 60_000)).status).toBe('SUCCEEDED');
    const servingBefore = await healthyTargets(t, tgArn);
    expect(servingBefore).toHaveLength(2);

    const bad = newDriver();
    const id = bad.start([deploy({ imageId })], { application });
    // Stop right after the group is created, before the first health poll, and break it.
    await bad.run({ until: () => bad.get(id).stages.some((s) => s.type === 'createServerGroup' && s.context['serverGroupCreated'] === true), timeoutMs: 60_000 });
    expect(await makeGroupUnhealthy(t, `${application}-v001`)).toBe(2);
    const e = await bad.runToEnd(id, 60_000);
    expect(e.status).toBe('TERMINAL');
    const csg = e.stages.find((s) => s.type === 'createServerGroup');
    expect(csg?.error?.message).toMatch(/did not become healthy|timed out/);
    // The serving group was never disabled and still serves; the broken one is gone (rollback.onFailure).
    expect((await provider.getServerGroup(account, R1, `${application}-v000`))?.enabled).toBe(true);
    expect(await healthyTargets(t, tgArn)).toEqual(servingBefore);
    expect(await provider.getServerGroup(account, R1, `${application}-v001`)).toBeNull();
  });

  it('a crash after CreateAutoScalingGroup reached AWS leaves one group: the retried task finds it', async () => {
    const account = 'test';
    const application = `crash${RUN}`;
    const imageId = await publicImage(targets[account]![R1]!, BASE_NAME);
    const driver = newDriver();
    // Like a worker killed after AWS created the group but before the task saw the answer.
    let crashes = 0;
    provider.factory.clients(account, R1).autoScaling.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'CreateAutoScalingGroupCommand' && crashes++ === 0) throw new Error('worker killed after CreateAutoScalingGroup');
        return out;
      },
      { step: 'initialize', name: 'testCrash' },
    );
    const id = driver.start([{ refId: 'd', type: 'deploy', name: 'Deploy', clusters: [{ application, account, availabilityZones: { [R1]: [] }, capacity: { min: 1, max: 1, desired: 1 }, imageId, strategy: 'redblack' }] }], { application });
    const e = await driver.runToEnd(id, 60_000);
    provider.factory.clients(account, R1).autoScaling.middlewareStack.remove('testCrash');
    expect(crashes).toBeGreaterThanOrEqual(1);
    expect(e.status).toBe('SUCCEEDED');
    const groups = await provider.listServerGroups(account, R1, { application });
    expect(groups.map((g) => g.name)).toEqual([`${application}-v000`]);
  });

  it('a deploy under throttling (every 4th attempt refused) is retried call by call and succeeds', async () => {
    const application = `thr${RUN}`;
    const imageId = await publicImage(targets['test']![R1]!, BASE_NAME);
    const throttled = createAwsProvider([{ name: 'test', regions: [R1], endpoint, defaults: { instanceType: 't3.micro' } }], {
      pollIntervalMs: 100,
      logger: { debug: () => undefined, log: () => undefined, warn: () => undefined },
      retryBackoff: { computeNextBackoffDelay: () => 5, setDelayBase: () => undefined },
    });
    let attempts = 0;
    const c = throttled.factory.clients('test', R1);
    for (const client of [c.ec2, c.autoScaling, c.elb, c.cloudWatch]) {
      // Below the retry middleware, so the SDK's adaptive retry sees each refusal, as from AWS.
      (client.middlewareStack as unknown as MiddlewareStack<object, object>).add(
        (next) => async (args) => {
          if (attempts++ % 4 === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
          return next(args);
        },
        { step: 'finalizeRequest', priority: 'low', name: 'testThrottle' },
      );
    }
    const ref: { driver?: CloudStageDriver } = {};
    const lock = new InMemoryClusterLock(Date.now, (owner) => !!ref.driver?.executions.get(owner));
    const driver = new CloudStageDriver({ providers: new ProviderRegistry([throttled]), lock }, 'real');
    ref.driver = driver;
    const deploy = { refId: 'd', type: 'deploy', name: 'Deploy', clusters: [{ application, account: 'test', availabilityZones: { [R1]: [] }, capacity: { min: 2, max: 2, desired: 2 }, imageId, strategy: 'redblack' }] };
    for (const _ of [0, 1]) expect((await driver.runToEnd(driver.start([deploy], { application }), 60_000)).status).toBe('SUCCEEDED');
    const summary = throttled.factory.stats.summary();
    expect(summary.failed).toBe(0);
    const throttledAttempts = throttled.factory.limiterStats()[`test/${R1}`]?.throttled ?? 0;
    expect(throttledAttempts).toBeGreaterThanOrEqual(Math.floor(summary.calls / 4));
    expect(summary.attempts).toBe(summary.calls + throttledAttempts);
    expect((await throttled.listServerGroups('test', R1, { application })).map((g) => [g.name, g.enabled])).toEqual([
      [`${application}-v000`, false],
      [`${application}-v001`, true],
    ]);
    throttled.destroy();
  });

  it('refuses bad input naming the field: unknown account or region, min > max, no image, no instance type', async () => {
    const driver = newDriver();
    const run = async (cluster: Record<string, unknown>) => {
      const id = driver.start([{ refId: 'd', type: 'deploy', name: 'Deploy', clusters: [{ application: `in${RUN}`, account: 'test', availabilityZones: { [R1]: [] }, capacity: { min: 1, max: 1, desired: 1 }, imageId: 'ami-0123456789abcdef0', ...cluster }] }], { application: `in${RUN}` });
      const e = await driver.runToEnd(id, 30_000);
      expect(e.status).toBe('TERMINAL');
      return e.stages.flatMap((s) => s.error?.details?.map((d) => d.pointer) ?? []);
    };
    expect(await run({ account: 'nope' })).toContain('/clusters/0/account');
    expect(await run({ availabilityZones: { 'eu-north-9': [] } })).toContain('/clusters/0/availabilityZones');
    expect(await run({ capacity: { min: 3, max: 1, desired: 2 } })).toContain('/clusters/0/capacity/min');
    expect(await run({ imageId: 'ami-0fffffffffffffff0' })).toContain('/imageId');
    const noType = createAwsProvider([{ name: 'bare', regions: [R1], endpoint }]);
    await expect(noType.createServerGroup({ account: 'bare', region: R1, name: `in${RUN}-v000`, application: `in${RUN}`, image: { id: 'ami-0123456789abcdef0' }, capacity: { min: 1, max: 1, desired: 1 } })).rejects.toMatchObject({ details: [{ pointer: '/instanceType' }] });
    noType.destroy();
  });

  it('an alarm going into ALARM during the watch window rolls the deploy back: the old group serves again', async () => {
    const t = targets['test']![R1]!;
    const application = `alm${RUN}`;
    const tgArn = await createTargetGroup(t, application);
    const alarm = `errors-${application}`;
    await putAlarm(t, alarm, 'OK');
    const imageId = await publicImage(t, BASE_NAME);
    const deploy = {
      refId: 'd',
      type: 'deploy',
      name: 'Deploy',
      clusters: [{ application, account: 'test', availabilityZones: { [R1]: [] }, capacity: { min: 2, max: 2, desired: 2 }, targetGroups: [application], imageId, strategy: 'redblack', scaleDown: true, rollback: { onFailure: true }, alarms: [alarm], alarmWatchSeconds: 60 }],
    };
    const first = newDriver();
    const plain = { ...deploy, clusters: [{ ...deploy.clusters[0], alarms: undefined, alarmWatchSeconds: undefined }] };
    expect((await first.runToEnd(first.start([plain], { application }), 60_000)).status).toBe('SUCCEEDED');
    const v000 = await groupInstances(t, `${application}-v000`);

    const second = newDriver();
    const id = second.start([deploy], { application });
    // The new group serves, the old one is disabled and scaled down; the watch has begun: now the alarm fires.
    await second.run({ until: () => second.get(id).stages.some((s) => s.type === 'watchAlarms' && s.status === 'RUNNING'), timeoutMs: 60_000 });
    expect((await provider.getServerGroup('test', R1, `${application}-v000`))?.capacity.desired).toBe(0);
    await putAlarm(t, alarm, 'ALARM');
    const e = await second.runToEnd(id, 60_000);
    expect(e.status).toBe('TERMINAL');
    expect(e.stages.find((s) => s.type === 'watchAlarms')?.error?.message).toContain(`alarm ${alarm} is in ALARM`);
    expect((await provider.listServerGroups('test', R1, { application })).map((g) => [g.name, g.enabled, g.capacity.desired])).toEqual([[`${application}-v000`, true, 2]]);
    const serving = await healthyTargets(t, tgArn);
    expect(serving).toEqual(await groupInstances(t, `${application}-v000`));
    expect(serving).toHaveLength(2);
    expect(v000).toHaveLength(2);
  });

  it('reads CloudWatch alarm states for rollback on alarms', async () => {
    await putAlarm(targets['test']![R1]!, `errors-${RUN}`, 'ALARM');
    await putAlarm(targets['test']![R1]!, `latency-${RUN}`, 'OK');
    const states = await provider.alarmStates('test', R1, [`errors-${RUN}`, `latency-${RUN}`, `typo-${RUN}`]);
    expect(states.map((s) => [s.name, s.state])).toEqual([
      [`errors-${RUN}`, 'ALARM'],
      [`latency-${RUN}`, 'OK'],
      [`typo-${RUN}`, 'MISSING'],
    ]);
  });
});
