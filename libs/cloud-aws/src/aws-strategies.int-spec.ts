// The shared deploy-strategy suite of @gennaker/cloud against the AWS provider on moto_server.
// Runs when AWS_ENDPOINT_URL is set (see aws.provider.int-spec.ts). moto has no instance that
// fails its health checks on its own, so the suite's broken-image case is skipped here; the AWS
// suite covers it by marking a new group's instances unhealthy.
import { strategySuite } from '@gennaker/cloud/testing';
import { describe, it } from 'vitest';
import { createAwsProvider, type AwsProvider } from './aws.provider';
import { AWS_TEST_ENDPOINT, createTargetGroup, ensureFakeCredentials, publicImage } from './testing';

const REGION = 'us-east-1';

if (AWS_TEST_ENDPOINT) {
  let provider: AwsProvider | undefined;
  strategySuite(
    'aws (moto_server)',
    async () => {
      ensureFakeCredentials();
      const endpoint = AWS_TEST_ENDPOINT as string;
      const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
      provider = createAwsProvider([{ name: 'suite', regions: [REGION], endpoint, defaults: { instanceType: 't3.micro' } }], {
        pollIntervalMs: 100,
        logger: { debug: () => undefined, log: () => undefined, warn: () => undefined },
      });
      const target = { endpoint, region: REGION };
      const tg = `suite${run}`;
      await createTargetGroup(target, tg);
      const v1 = await publicImage(target, 'ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*');
      const v2 = await publicImage(target, 'amzn-ami-hvm-*');
      return {
        provider,
        account: 'suite',
        region: REGION,
        application: `suite${run}`,
        images: { v1: { id: v1 }, v2: { id: v2 } },
        clusterDefaults: { targetGroups: [tg], healthCheckType: 'ELB' },
        capacity: 2,
      };
    },
    async () => provider?.destroy(),
  );
} else {
  console.log('[cloud-aws] strategy suite on moto_server skipped: set AWS_ENDPOINT_URL (e.g. http://127.0.0.1:5055) with moto_server running');
  describe.skip('deploy strategies on aws (moto_server)', () => {
    it('needs AWS_ENDPOINT_URL', () => undefined);
  });
}
