// npm run bench -- aws-calls
// AWS API calls of one red/black deploy of a 10-instance group (create, wait for healthy, disable
// and scale down the old group), by operation, through the real deploy stage and the AWS provider
// against moto_server (AWS_ENDPOINT_URL, e.g. http://127.0.0.1:5055). Issue 3's target: <= 40.
// On real AWS a deploy polls health more often (instances take minutes), each poll costing one
// DescribeAutoScalingGroups plus one DescribeTargetHealth per target group: the figure per poll is
// printed too.
import { ProviderRegistry } from '@gennaker/cloud';
import { createAwsProvider } from '@gennaker/cloud-aws';
import { createTargetGroup, ensureFakeCredentials, publicImage } from '@gennaker/cloud-aws/testing';
import { CloudStageDriver, InMemoryClusterLock } from '@gennaker/cloud/testing';

const TARGET = 40;
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 10);
const endpoint = process.env['AWS_ENDPOINT_URL'];
const region = 'us-east-1';

async function main(): Promise<void> {
  if (!endpoint) {
    console.log('aws-calls: skipped, AWS_ENDPOINT_URL is not set (start moto_server and set it, e.g. http://127.0.0.1:5055)');
    console.log(JSON.stringify({ bench: 'aws-calls', skipped: true, reason: 'AWS_ENDPOINT_URL not set', target: TARGET }));
    return;
  }
  ensureFakeCredentials();
  const run = `${Date.now().toString(36)}`;
  const application = `bench${run}`;
  const tg = `bench${run}`;
  const provider = createAwsProvider([{ name: 'bench', regions: [region], endpoint, defaults: { instanceType: 't3.micro' } }], {
    pollIntervalMs: 200,
    logger: { debug: () => undefined, log: () => undefined, warn: (m) => console.warn(m) },
  });
  const imageId = await publicImage({ endpoint, region }, 'ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*');
  await createTargetGroup({ endpoint, region }, tg);

  const deploy = {
    refId: 'deploy',
    type: 'deploy',
    name: 'Deploy',
    clusters: [
      {
        application,
        stack: 'web',
        account: 'bench',
        cloudProvider: 'aws',
        availabilityZones: { [region]: [] },
        capacity: { min: INSTANCES, max: INSTANCES, desired: INSTANCES },
        targetGroups: [tg],
        healthCheckType: 'ELB',
        imageId,
        strategy: 'redblack',
        scaleDown: true,
        maxRemainingAsgs: 2,
      },
    ],
  };
  const once = async () => {
    const ref: { driver?: CloudStageDriver } = {};
    const lock = new InMemoryClusterLock(Date.now, (owner) => !!ref.driver?.executions.get(owner) && !['SUCCEEDED', 'TERMINAL'].includes(ref.driver.get(owner).status));
    const driver = new CloudStageDriver({ providers: new ProviderRegistry([provider]), lock }, 'real');
    ref.driver = driver;
    const started = Date.now();
    const e = await driver.runToEnd(driver.start([deploy], { application }), 120_000);
    if (e.status !== 'SUCCEEDED') throw new Error(`deploy ${e.status}: ${e.stages.map((s) => s.error?.message).filter(Boolean).join('; ')}`);
    return { ms: Date.now() - started };
  };

  console.log(`aws-calls: red/black deploys of ${INSTANCES} instances behind one target group, against ${endpoint}`);
  await once(); // v000: the cluster's first group, so the measured deploy has an old group to disable.
  provider.factory.stats.reset();
  const { ms } = await once(); // v001: the measured red/black.
  const { calls, attempts, failed, byOperation } = provider.factory.stats.summary();
  for (const [op, n] of Object.entries(byOperation)) console.log(`  ${op.padEnd(34)} ${n}`);
  console.log(`total ${calls} calls (${attempts} HTTP attempts, ${failed} failed) in ${ms} ms; target <= ${TARGET}`);
  console.log(`each extra health poll costs 2 calls (DescribeAutoScalingGroups + DescribeTargetHealth for 1 target group)`);
  provider.destroy();
  if (calls > TARGET) process.exitCode = 1;
  console.log(JSON.stringify({ bench: 'aws-calls', instances: INSTANCES, calls, attempts, failed, target: TARGET, ok: calls <= TARGET, ms, byOperation }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
