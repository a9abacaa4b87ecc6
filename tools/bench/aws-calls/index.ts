// npm run bench -- aws-calls
// AWS API calls of one red/black deploy of a 10-instance group (create, wait for healthy,
// disable and scale down the old group), by operation: the real api and worker processes
// (testkit Stack) with an aws account whose endpoint is a recording proxy in front of
// moto_server (AWS_ENDPOINT_URL, e.g. http://127.0.0.1:5055). Every HTTP request counts,
// retries included. Issue 3's target: <= 40.
// On real AWS a deploy polls health more often (instances take minutes): each extra poll costs
// one DescribeAutoScalingGroups plus one DescribeTargetHealth per target group.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingProxy, createTargetGroup, ensureFakeCredentials, publicImage } from '@gennaker/cloud-aws/testing';
import { Stack, waitFor } from '@gennaker/testkit';

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
  const run = Date.now().toString(36);
  const application = `bench${run}`;
  await createTargetGroup({ endpoint, region }, application);
  const imageId = await publicImage({ endpoint, region }, 'ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*');
  const proxy = await new RecordingProxy(endpoint).start();
  const dir = mkdtempSync(join(tmpdir(), 'gk-bench-aws-'));
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(accountsFile, JSON.stringify({ accounts: [{ name: 'bench', provider: 'aws', environment: 'test', regions: [region], endpoint: proxy.url, defaults: { instanceType: 't3.micro' } }] }));
  const stack = await Stack.start({ workers: 1, env: { GENNAKER_ACCOUNTS_FILE: accountsFile, GENNAKER_AWS_POLL_MS: '1000', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  try {
    await stack.client.post('/api/v1/applications', { name: application });
    const created = await stack.client.post('/api/v1/pipelines', {
      application,
      name: 'red/black',
      stages: [
        {
          refId: '1',
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
              targetGroups: [application],
              healthCheckType: 'ELB',
              imageId,
              strategy: 'redblack',
              scaleDown: true,
              maxRemainingAsgs: 2,
            },
          ],
        },
      ],
    });
    if (created.status !== 201) throw new Error(`pipeline: ${JSON.stringify(created.body)}`);
    const deploy = async (): Promise<number> => {
      const started = Date.now();
      const r = await stack.client.post(`/api/v1/pipelines/${created.body.id}/executions`, {});
      let status = '';
      await waitFor(async () => {
        status = (await stack.client.get(`/api/v1/executions/${r.body.id}`)).body.status;
        return ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(status);
      }, { timeoutMs: 300_000, intervalMs: 100 });
      if (status !== 'SUCCEEDED') throw new Error(`deploy ${status}\n${stack.logs()}`);
      return Date.now() - started;
    };

    console.log(`aws-calls: red/black deploy of ${INSTANCES} instances behind one target group (api + worker against ${endpoint})`);
    await deploy(); // v000: the cluster's first group, so the measured deploy has an old group to disable.
    const from = proxy.exchanges.length;
    const ms = await deploy(); // v001: the measured red/black.
    const byOperation = proxy.byAction(from);
    const calls = Object.values(byOperation).reduce((a, b) => a + b, 0);
    for (const [op, n] of Object.entries(byOperation)) console.log(`  ${op.padEnd(34)} ${n}`);
    console.log(`total ${calls} HTTP calls in ${ms} ms; target <= ${TARGET}`);
    if (calls > TARGET) process.exitCode = 1;
    console.log(JSON.stringify({ bench: 'aws-calls', instances: INSTANCES, calls, target: TARGET, ok: calls <= TARGET, ms, byOperation }));
  } finally {
    await stack.stop();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
