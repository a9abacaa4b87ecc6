import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strategySuite } from '@gennaker/cloud/testing';
import { freePort } from './host/process.util';
import type { LocalProvider } from './local-provider';
import { localFixture } from './testing/local-fixture';

let fx: Awaited<ReturnType<typeof localFixture>>;
let provider: LocalProvider;

// The shared deploy-strategy suite, against the local provider (always; the AWS one runs it against moto).
strategySuite(
  'the local provider',
  async () => {
    fx = await localFixture();
    provider = fx.make();
    await provider.start();
    const bake = async (version: string, directory = 'examples/service') => {
      const s = await provider.startBake({ account: 'local', region: 'local', package: 'hello', version, inputs: { directory }, inputsHash: version });
      if (s.state !== 'completed') throw new Error('bake failed');
      return { id: s.image.id, name: s.image.name };
    };
    const broken = join(fx.dataDir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'server.mjs'), 'process.exit(1);\n');
    const port = await freePort();
    return {
      provider,
      account: 'local',
      region: 'local',
      application: 'strat',
      images: { v1: await bake('v1'), v2: await bake('v2'), broken: await bake('broken', broken) },
      clusterDefaults: { loadBalancers: ['strat-lb'], localLoadBalancers: { 'strat-lb': { port } } },
      brokenTimeoutSec: 6,
    };
  },
  async () => {
    await fx?.teardown();
  },
);
