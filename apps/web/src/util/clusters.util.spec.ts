import { describe, expect, it } from 'vitest';
import { clusterActivity, groupClusters, serverGroupVersion } from './clusters.util';

const sg = (name: string, enabled: boolean, up: number, desired: number, region = 'local-1') => ({
  name,
  region,
  enabled,
  capacity: { min: desired, max: desired, desired },
  instances: { total: up, up, down: 0, starting: 0 },
  image: 'app-1.0.0',
  imageId: 'img-1',
  // Created in version order, as a deploy does.
  createdTime: new Date(Date.UTC(2026, 0, 1, 0, Number(name.slice(-3)))).toISOString(),
  loadBalancers: [],
});

describe('clusters', () => {
  it('groups by account, region and cluster, newest server group first', () => {
    const out = groupClusters([{ account: 'local', name: 'app-prod', loadBalancers: [], serverGroups: [sg('app-prod-v001', true, 2, 2), sg('app-prod-v002', true, 0, 2), sg('app-prod-v001', false, 0, 0, 'r2')] }]);
    expect(out).toHaveLength(1);
    expect(out[0]!.regions.map((r) => r.region)).toEqual(['local-1', 'r2']);
    expect(out[0]!.regions[0]!.clusters[0]!.serverGroups.map((g) => g.name)).toEqual(['app-prod-v002', 'app-prod-v001']);
    expect(serverGroupVersion('app-prod-v002')).toBe('v002');
  });

  it('describes a red/black as it goes: filling, then disabling the old, then at rest', () => {
    expect(clusterActivity([sg('a-v002', true, 1, 3), sg('a-v001', true, 3, 3)])).toMatch(/red\/black: v002 filling \(1\/3 up\), v001 serving/);
    expect(clusterActivity([sg('a-v002', true, 3, 3), sg('a-v001', true, 3, 3)])).toMatch(/disabling v001/);
    expect(clusterActivity([sg('a-v002', true, 3, 3), sg('a-v001', false, 3, 3)])).toBeNull();
  });
});
