// The AWS provider in the real api and worker processes (testkit Stack), against moto_server
// behind a small recording proxy: accounts from GENNAKER_ACCOUNTS_FILE, a bake and red/black
// deploy in two regions through the assume-role account, a worker SIGKILLed while AWS is creating
// the new group (no duplicate group after the restart), and no credential in any API answer or
// process log. Runs when AWS_ENDPOINT_URL is set.
// It lives here, beside the benchmark that drives the same processes, and not in libs/cloud-aws:
// there, importing @gennaker/testkit would close a project cycle (testkit -> persistence ->
// canary-runtime -> cloud-aws) that the module-boundary lint refuses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_TEST_ENDPOINT, BakeBuilderSimulator, RecordingProxy, assumeRoleForTest, createTargetGroup, ensureFakeCredentials, groupInstances, healthyTargets, type MotoTarget } from '@gennaker/cloud-aws/testing';

if (!AWS_TEST_ENDPOINT) console.log('[cloud-aws] api/worker suite on moto_server skipped: set AWS_ENDPOINT_URL (e.g. http://127.0.0.1:5055) with moto_server running');

const R1 = 'us-east-1';
const R2 = 'us-west-2';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
const ROLE_ACCOUNT = String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/gennaker-deployer`;
const EXTERNAL_ID = `ext-SECRET-${RUN}`;
const ACCESS_KEY = 'AKIAGENNAKERSTACK001';
const SECRET_KEY = `stack-secret-key-${RUN}-DO-NOT-LOG`;
const APP = `stk${RUN}`;
const TG = `stk${RUN}`;

describe.skipIf(!AWS_TEST_ENDPOINT)('AWS provider in the api and worker processes (moto_server)', () => {
  let stack: Stack;
  let proxy: RecordingProxy;
  let simulator: BakeBuilderSimulator;
  let dir: string;
  let pipelineId: string;
  const targets: Record<string, MotoTarget> = {};
  const tgArns: Record<string, string> = {};
  const api = () => stack.client;

  beforeAll(async () => {
    ensureFakeCredentials();
    const endpoint = AWS_TEST_ENDPOINT as string;
    proxy = await new RecordingProxy(endpoint).start();
    dir = mkdtempSync(join(tmpdir(), 'gk-aws-'));
    const accountsFile = join(dir, 'accounts.yaml');
    writeFileSync(
      accountsFile,
      [
        'accounts:',
        '  - name: aws-prod',
        '    provider: aws',
        '    environment: prod',
        `    regions: [${R1}, ${R2}]`,
        `    endpoint: ${proxy.url}`,
        '    assumeRole:',
        `      roleArn: ${ROLE_ARN}`,
        `      externalId: ${EXTERNAL_ID}`,
        '    defaults:',
        '      instanceType: t3.micro',
        '',
      ].join('\n'),
    );
    const roleCredentials = await assumeRoleForTest(endpoint, R1, ROLE_ARN, EXTERNAL_ID);
    for (const region of [R1, R2]) {
      targets[region] = { endpoint, region, credentials: roleCredentials };
      tgArns[region] = await createTargetGroup(targets[region]!, TG);
    }
    simulator = new BakeBuilderSimulator(Object.values(targets)).start(150);
    stack = await Stack.start({
      workers: 1,
      env: {
        GENNAKER_ACCOUNTS_FILE: accountsFile,
        GENNAKER_AWS_POLL_MS: '300',
        AWS_ACCESS_KEY_ID: ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    expect((await api().post('/api/v1/applications', { name: APP })).status).toBe(201);
    const r = await api().post('/api/v1/pipelines', {
      application: APP,
      name: 'bake and deploy',
      limitConcurrent: true,
      stages: [
        { refId: '1', type: 'bake', name: 'Bake', account: 'aws-prod', regions: [R1, R2], package: `pkg${RUN}`, version: '2.0.0', baseName: 'ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*', cloudProviderType: 'aws' },
        {
          refId: '2',
          type: 'deploy',
          name: 'Deploy',
          requisiteStageRefIds: ['1'],
          clusters: [{ application: APP, stack: 'web', account: 'aws-prod', cloudProvider: 'aws', availabilityZones: { [R1]: [], [R2]: [] }, capacity: { min: 2, max: 2, desired: 2 }, targetGroups: [TG], healthCheckType: 'ELB', strategy: 'redblack', scaleDown: true }],
        },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    pipelineId = r.body.id as string;
  }, 180_000);

  afterAll(async () => {
    simulator?.stop();
    await stack?.stop();
    await proxy?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    const r = await api().post(`/api/v1/pipelines/${pipelineId}/executions`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body.id as string;
  }

  const until = (id: string, statuses: string[], timeoutMs = 120_000): Promise<any> => stack.untilExecution(id, statuses, { timeoutMs });

  async function cluster(): Promise<Array<[string, string, boolean, number]>> {
    const r = await api().get(`/api/v1/applications/${APP}/clusters`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const c = (r.body as any[]).find((x) => x.name === `${APP}-web`);
    return (c?.serverGroups ?? []).map((g: any) => [g.region, g.name, g.enabled, g.capacity.desired] as [string, string, boolean, number]).sort();
  }

  it('lists the aws account from the accounts file, without its role, external id or endpoint', async () => {
    const r = await api().get('/api/v1/accounts');
    expect(r.status).toBe(200);
    expect(r.body).toContainEqual(expect.objectContaining({ name: 'aws-prod', provider: 'aws', regions: [R1, R2], environment: 'prod' }));
    const text = JSON.stringify(r.body);
    for (const secret of [EXTERNAL_ID, ROLE_ARN, proxy.url, SECRET_KEY]) expect(text).not.toContain(secret);
  });

  it('bakes in two regions and deploys red/black through the assume-role account', async () => {
    const e = await until(await start(), ['SUCCEEDED', 'TERMINAL']);
    expect(e.status, JSON.stringify(e.stages.map((s: any) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    expect(await cluster()).toEqual([
      [R1, `${APP}-web-v000`, true, 2],
      [R2, `${APP}-web-v000`, true, 2],
    ]);
    // Every call to AWS went through STS-assumed credentials: one AssumeRole, with the external id.
    expect(proxy.count('AssumeRole')).toBeGreaterThanOrEqual(1);
    expect(proxy.exchanges.find((x) => x.action === 'AssumeRole')?.body).toContain(`ExternalId=${EXTERNAL_ID}`);
  });

  it('a worker killed while AWS creates the new group: after a restart the deploy completes with one group per region', async () => {
    proxy.holdCreates = true;
    const id = await start();
    await waitFor(() => proxy.held >= 1, { timeoutMs: 60_000, message: () => `a CreateAutoScalingGroup to be held\n${stack.logs()}` });
    const [worker] = stack.liveWorkers();
    await stack.kill(worker!, 'SIGKILL');
    proxy.holdCreates = false;
    // The group was created before the worker died.
    expect(proxy.count('CreateAutoScalingGroup', `${APP}-web-v001`)).toBeGreaterThanOrEqual(1);
    await stack.startWorker();
    const e = await until(id, ['SUCCEEDED', 'TERMINAL']);
    expect(e.status, JSON.stringify(e.stages.map((s: any) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    expect(await cluster()).toEqual([
      [R1, `${APP}-web-v000`, false, 0],
      [R1, `${APP}-web-v001`, true, 2],
      [R2, `${APP}-web-v000`, false, 0],
      [R2, `${APP}-web-v001`, true, 2],
    ]);
    // Never a second create for v001 in a region, never a v002.
    expect(proxy.count('CreateAutoScalingGroup', `${APP}-web-v002`)).toBe(0);
    expect(proxy.count('CreateAutoScalingGroup', `${APP}-web-v001`)).toBe(2);
    for (const region of [R1, R2]) {
      expect(await healthyTargets(targets[region]!, tgArns[region]!)).toEqual(await groupInstances(targets[region]!, `${APP}-web-v001`));
    }
  });

  it('no access key, secret, session token or external id in an API answer or a process log', async () => {
    const sts = proxy.exchanges.filter((x) => x.action === 'AssumeRole').map((x) => x.response);
    const issued = sts.flatMap((xml) => [/<SecretAccessKey>([^<]+)</.exec(xml)?.[1], /<SessionToken>([^<]+)</.exec(xml)?.[1]]).filter((s): s is string => !!s);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const executions = (await api().get(`/api/v1/executions?application=${APP}`)).body;
    const all = [JSON.stringify(executions), JSON.stringify((await api().get('/api/v1/accounts')).body), JSON.stringify((await api().get(`/api/v1/applications/${APP}/clusters`)).body), ...[stack.api, ...stack.workers].map((h) => h?.output.join('') ?? '')];
    for (const e of (executions.items ?? executions) as any[]) all.push(JSON.stringify((await api().get(`/api/v1/executions/${e.id}`)).body));
    const seen = all.join('\n');
    expect(seen).toContain(`${APP}-web-v001`);
    for (const secret of [SECRET_KEY, EXTERNAL_ID, ...issued]) expect(seen).not.toContain(secret);
  });
});
