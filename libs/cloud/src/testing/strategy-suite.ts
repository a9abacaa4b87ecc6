import { TransientError } from '@gennaker/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupHealth } from '../cluster.util';
import { ProviderRegistry } from '../provider-registry';
import type { CloudProvider, ImageRef, ServerGroup } from '../provider.port';
import { InMemoryClusterLock } from './in-memory-provider';
import { CloudStageDriver } from './stage-driver';

/** What a provider's integration spec gives the shared strategy suite. */
export interface StrategySuiteFixture {
  provider: CloudProvider;
  account: string;
  region: string;
  /** A Frigga application name no other run uses (clusters are `<application>-<stack>`). */
  application: string;
  /** Two images whose instances come up healthy. */
  images: { v1: ImageRef; v2: ImageRef; broken?: ImageRef };
  /** Keys every deploy cluster gets (load balancers, instance type, subnet, local balancer ports...). */
  clusterDefaults?: Record<string, unknown>;
  /** Instances per group (default 2). */
  capacity?: number;
  /** Longest one deploy may take (default 90 s). */
  deployTimeoutMs?: number;
  /** Seconds to wait for a broken group before the deploy fails (default 15). */
  brokenTimeoutSec?: number;
}

interface DisableObservation {
  disabled: string;
  /** Whether it was taking traffic (shrink disables already-disabled groups before destroying them). */
  wasEnabled: boolean;
  /** Health of every other enabled group of the cluster at that moment. */
  others: Array<{ name: string; healthy: boolean; up: number; desired: number }>;
}

/**
 * Records, at every disable, the health of the cluster's other enabled groups: the red/black
 * promise is that the old group is disabled only while the new one is fully healthy.
 */
function watch(provider: CloudProvider, observations: DisableObservation[], failCreateOnce: Set<string>): CloudProvider {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'disableServerGroup') {
        return async (account: string, region: string, name: string) => {
          const g = await target.getServerGroup(account, region, name);
          if (g) {
            const all = await target.listServerGroups(account, region, { application: g.application, cluster: g.cluster });
            observations.push({
              disabled: name,
              wasEnabled: g.enabled,
              others: all
                .filter((o) => o.name !== name && o.enabled)
                .map((o) => ({ name: o.name, ...groupHealth(o, 100) })),
            });
          }
          return target.disableServerGroup(account, region, name);
        };
      }
      if (prop === 'createServerGroup') {
        return async (spec: Parameters<CloudProvider['createServerGroup']>[0]) => {
          const created = await target.createServerGroup(spec);
          if (failCreateOnce.delete(spec.name)) throw new TransientError('the connection dropped after the cloud created the group');
          return created;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The deploy strategies against a real provider, through the real stages and state machine:
 * red/black, highlander, rolling red/black, none, rollback of a failed deploy, idempotent retry,
 * and Frigga versions past v999. Written once; each provider's integration spec runs it.
 */
export function strategySuite(name: string, setup: () => Promise<StrategySuiteFixture>, teardown?: () => Promise<void>): void {
  describe(`deploy strategies on ${name}`, () => {
    let fx: StrategySuiteFixture;
    let driver: CloudStageDriver;
    const observations: DisableObservation[] = [];
    const failCreateOnce = new Set<string>();
    let provider: CloudProvider;

    beforeAll(async () => {
      fx = await setup();
      provider = watch(fx.provider, observations, failCreateOnce);
      const lock = new InMemoryClusterLock(Date.now, (owner) => {
        const e = driver.executions.get(owner);
        return !!e && !['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(e.status);
      });
      driver = new CloudStageDriver({ providers: new ProviderRegistry([provider]), lock }, 'real');
    }, 120_000);

    afterAll(async () => {
      await teardown?.();
    }, 120_000);

    const n = (): number => fx.capacity ?? 2;
    const cluster = (stack: string): string => `${fx.application}-${stack}`;
    const groups = async (stack: string): Promise<ServerGroup[]> =>
      (await fx.provider.listServerGroups(fx.account, fx.region, { application: fx.application, cluster: cluster(stack) })).sort((a, b) => a.name.localeCompare(b.name));

    async function deploy(stack: string, image: ImageRef, options: Record<string, unknown> = {}, stage: Record<string, unknown> = {}) {
      const id = driver.start(
        [
          {
            refId: '1',
            type: 'deploy',
            name: 'Deploy',
            ...stage,
            clusters: [
              {
                application: fx.application,
                stack,
                account: fx.account,
                cloudProvider: fx.provider.type,
                availabilityZones: { [fx.region]: [] },
                capacity: { min: n(), max: n(), desired: n() },
                imageId: image.id,
                ...(fx.clusterDefaults ?? {}),
                ...options,
              },
            ],
          },
        ],
        { application: fx.application },
      );
      return driver.runToEnd(id, fx.deployTimeoutMs ?? 90_000);
    }

    it('red/black: the new group is healthy before the old one is disabled; then scale down and shrink', async () => {
      expect((await deploy('rb', fx.images.v1, { strategy: 'redblack' })).status).toBe('SUCCEEDED');
      expect((await deploy('rb', fx.images.v2, { strategy: 'redblack', scaleDown: true, maxRemainingAsgs: 2 })).status).toBe('SUCCEEDED');
      const third = await deploy('rb', fx.images.v1, { strategy: 'redblack', scaleDown: true, maxRemainingAsgs: 2 });
      expect(third.status).toBe('SUCCEEDED');
      const gs = await groups('rb');
      expect(gs.map((g) => [g.name, g.enabled, g.capacity.desired])).toEqual([
        [`${cluster('rb')}-v001`, false, 0],
        [`${cluster('rb')}-v002`, true, n()],
      ]);
      expect(groupHealth(gs[1] as ServerGroup, 100).healthy).toBe(true);
      const disables = observations.filter((o) => o.wasEnabled && o.disabled.startsWith(`${cluster('rb')}-`));
      expect(disables.map((o) => o.disabled)).toEqual([`${cluster('rb')}-v000`, `${cluster('rb')}-v001`]);
      for (const o of disables) {
        // at each disable, the newest other enabled group (the new one) was fully healthy
        expect(o.others.length).toBeGreaterThan(0);
        expect(o.others.every((x) => x.healthy && x.up === x.desired)).toBe(true);
      }
    });

    it('highlander: only the new group is left', async () => {
      expect((await deploy('hl', fx.images.v1, { strategy: 'highlander' })).status).toBe('SUCCEEDED');
      expect((await deploy('hl', fx.images.v2, { strategy: 'highlander' })).status).toBe('SUCCEEDED');
      expect((await groups('hl')).map((g) => [g.name, g.enabled, g.image.id])).toEqual([[`${cluster('hl')}-v001`, true, fx.images.v2.id]]);
    });

    it('rolling red/black: grows the new group in steps, then disables the old one', async () => {
      expect((await deploy('rr', fx.images.v1, { strategy: 'redblack' })).status).toBe('SUCCEEDED');
      const e = await deploy('rr', fx.images.v2, { strategy: 'rollingredblack', targetPercentages: [50] });
      expect(e.status).toBe('SUCCEEDED');
      const steps = e.stages.filter((s) => s.type === 'rollingRedBlackStep').map((s) => s.context['capacity']);
      expect(steps).toEqual([
        { min: Math.ceil(n() / 2), max: n(), desired: Math.ceil(n() / 2) },
        { min: n(), max: n(), desired: n() },
      ]);
      expect((await groups('rr')).map((g) => [g.name, g.enabled, g.capacity.desired])).toEqual([
        [`${cluster('rr')}-v000`, false, n()],
        [`${cluster('rr')}-v001`, true, n()],
      ]);
    });

    it('none: the new group joins the old one, which is untouched', async () => {
      expect((await deploy('nn', fx.images.v1, { strategy: '' })).status).toBe('SUCCEEDED');
      expect((await deploy('nn', fx.images.v2, { strategy: 'none' })).status).toBe('SUCCEEDED');
      expect((await groups('nn')).map((g) => [g.name, g.enabled])).toEqual([
        [`${cluster('nn')}-v000`, true],
        [`${cluster('nn')}-v001`, true],
      ]);
    });

    it('a deploy whose group never gets healthy fails; rollback destroys it; the serving group was never touched', async (ctx) => {
      if (!fx.images.broken) ctx.skip();
      expect((await deploy('fb', fx.images.v1, { strategy: 'redblack' })).status).toBe('SUCCEEDED');
      const before = observations.length;
      const e = await deploy('fb', fx.images.broken as ImageRef, { strategy: 'redblack', rollback: { onFailure: true } }, { overrideTimeout: true, stageTimeoutMs: (fx.brokenTimeoutSec ?? 15) * 1000 });
      expect(e.status).toBe('TERMINAL');
      const gs = await groups('fb');
      expect(gs.map((g) => [g.name, g.enabled])).toEqual([[`${cluster('fb')}-v000`, true]]);
      expect(groupHealth(gs[0] as ServerGroup, 100).healthy).toBe(true);
      // The only disable was of the broken group itself, on its way to destruction.
      expect(observations.slice(before).filter((o) => o.wasEnabled).map((o) => o.disabled)).toEqual([`${cluster('fb')}-v001`]);
    });

    it('a retry after the create call failed finds the group instead of creating the next version', async () => {
      failCreateOnce.add(`${cluster('id')}-v000`);
      expect((await deploy('id', fx.images.v1, { strategy: 'redblack' })).status).toBe('SUCCEEDED');
      expect((await groups('id')).map((g) => g.name)).toEqual([`${cluster('id')}-v000`]);
      expect(failCreateOnce.size).toBe(0);
    });

    it('versions wrap after v999 and skip taken ones', async () => {
      const zero = { min: 0, max: 0, desired: 0 };
      for (const v of ['v000', 'v999']) {
        await fx.provider.createServerGroup({
          account: fx.account,
          region: fx.region,
          name: `${cluster('sq')}-${v}`,
          application: fx.application,
          stack: 'sq',
          image: fx.images.v1,
          capacity: zero,
        });
        // distinct creation times: the newest decides the next version
        await new Promise((r) => setTimeout(r, 20));
      }
      // the newest is v999: next is v000 (wrapped), which is taken, so v001
      expect((await deploy('sq', fx.images.v1, { strategy: '', capacity: zero })).status).toBe('SUCCEEDED');
      expect((await groups('sq')).map((g) => g.name)).toEqual([`${cluster('sq')}-v000`, `${cluster('sq')}-v001`, `${cluster('sq')}-v999`]);
    });
  });
}
