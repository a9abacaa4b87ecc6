import { InputError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { capacityErrors, resizedCapacity } from './capacity.util';
import { groupHealth, instanceCounts, isInstanceUp, requiredUp, resolveTarget, selectImageSource } from './cluster.util';
import { resolveImage } from './deploy-spec.util';
import type { Instance, ServerGroup } from './provider.port';

function sg(name: string, createdTime: number, extra: Partial<ServerGroup> = {}): ServerGroup {
  return {
    name, account: 'a', region: 'r', application: 'app', cluster: 'app', sequence: Number(name.slice(-3)), enabled: true,
    capacity: { min: 1, max: 1, desired: 1 }, image: { id: `img-${name}` }, instances: [], createdTime, loadBalancers: [], targetGroups: [], tags: {}, ...extra,
  };
}
const up = (id: string, details: Instance['healthDetails'] = []): Instance => ({ id, health: 'Up', healthDetails: details });

describe('targets', () => {
  const groups = [sg('app-v001', 10), sg('app-v002', 20, { capacity: { min: 5, max: 5, desired: 5 } }), sg('app-v000', 5)];
  it('current, ancestor, oldest, largest, by creation time', () => {
    expect(resolveTarget(groups, 'current_asg_dynamic')?.name).toBe('app-v002');
    expect(resolveTarget(groups, 'ancestor_asg_dynamic')?.name).toBe('app-v001');
    expect(resolveTarget(groups, 'oldest_asg_dynamic')?.name).toBe('app-v000');
    expect(resolveTarget(groups, 'largest_asg_dynamic')?.name).toBe('app-v002');
    expect(resolveTarget(groups, 'current_asg')?.name).toBe('app-v002');
    expect(resolveTarget([], 'current_asg_dynamic')).toBeNull();
    expect(resolveTarget(groups.slice(0, 1), 'ancestor_asg_dynamic')).toBeNull();
    expect(() => resolveTarget(groups, 'newest')).toThrow(InputError);
  });
});

describe('health', () => {
  it('rounds the required share up, like Orca', () => {
    expect(requiredUp(3, 100)).toBe(3);
    expect(requiredUp(3, 50)).toBe(2);
    expect(requiredUp(10, 90)).toBe(9);
    expect(requiredUp(0, 100)).toBe(0);
  });

  it('an instance is up only when in service in every load balancer of an enabled group', () => {
    const lbDown = up('i', [{ source: 'loadBalancer:lb1', state: 'InService' }, { source: 'targetGroup:tg', state: 'OutOfService' }]);
    expect(isInstanceUp(lbDown, true)).toBe(false);
    expect(isInstanceUp(lbDown, false)).toBe(true);
    expect(isInstanceUp(up('i', [{ source: 'http', state: 'Up' }]), true)).toBe(true);
    expect(isInstanceUp({ id: 'i', health: 'Starting' }, true)).toBe(false);
  });

  it('says why a group is not healthy yet', () => {
    const g = sg('app-v001', 1, { capacity: { min: 2, max: 2, desired: 2 }, instances: [up('a'), { id: 'b', health: 'Down', healthDetails: [{ source: 'http', state: 'Down', description: 'GET /health: 500' }] }] });
    const v = groupHealth(g, 100);
    expect(v).toMatchObject({ healthy: false, up: 1, required: 2 });
    expect(v.reason).toContain('GET /health: 500');
    expect(groupHealth(g, 50).healthy).toBe(true);
    expect(instanceCounts(g)).toEqual({ total: 2, up: 1, down: 1, starting: 0 });
  });
});

describe('findImage selection', () => {
  const a = sg('app-v001', 1, { image: { id: 'i1' } });
  const b = sg('app-v002', 2, { image: { id: 'i2' }, enabled: false, capacity: { min: 3, max: 3, desired: 3 } });
  it('NEWEST / OLDEST / LARGEST / FAIL, with onlyEnabled', () => {
    expect(selectImageSource([a, b], 'NEWEST', false)?.image.id).toBe('i2');
    expect(selectImageSource([a, b], 'NEWEST', true)?.image.id).toBe('i1');
    expect(selectImageSource([a, b], 'OLDEST', false)?.image.id).toBe('i1');
    expect(selectImageSource([a, b], 'LARGEST', false)?.image.id).toBe('i2');
    expect(() => selectImageSource([a, b], 'FAIL', false)).toThrow(/different images/);
    expect(selectImageSource([a, b], 'FAIL', true)?.image.id).toBe('i1');
    expect(selectImageSource([b], 'NEWEST', true)).toBeNull();
  });
});

describe('capacity', () => {
  it('reports min > max and the like with pointers', () => {
    expect(capacityErrors({ min: 3, max: 2, desired: 2 }, '/clusters/0/capacity')).toEqual([
      { pointer: '/clusters/0/capacity/min', message: 'min (3) must not exceed max (2)' },
      { pointer: '/clusters/0/capacity/desired', message: 'desired (2) must not be below min (3)' },
    ]);
    expect(capacityErrors({ min: 1, max: '${parameters.max}', desired: 1 }, '/c')).toEqual([]);
    expect(capacityErrors({ min: -1, max: 1 }, '/c').map((e) => e.pointer)).toEqual(['/c/min', '/c/desired']);
  });

  it('resizes exactly, up and down by instances or percent', () => {
    const cur = { min: 2, max: 4, desired: 2 };
    expect(resizedCapacity(cur, { action: 'scale_exact', capacity: { min: 3, max: 3, desired: 3 } })).toEqual({ min: 3, max: 3, desired: 3 });
    expect(resizedCapacity(cur, { capacity: { desired: 4 } })).toEqual({ min: 2, max: 4, desired: 4 });
    expect(resizedCapacity(cur, { action: 'scale_up', resizeType: 'incr', scaleNum: 3 })).toEqual({ min: 2, max: 5, desired: 5 });
    expect(resizedCapacity(cur, { action: 'scale_down', resizeType: 'pct', scalePct: 50 })).toEqual({ min: 1, max: 4, desired: 1 });
    expect(resizedCapacity(cur, { action: 'scale_down', scaleNum: 9 })).toEqual({ min: 0, max: 4, desired: 0 });
    expect(() => resizedCapacity(cur, { capacity: { desired: 9 } })).toThrow(InputError);
    expect(() => resizedCapacity(cur, { action: 'scale_up', resizeType: 'incr' })).toThrow(/scaleNum/);
  });
});

describe('deploy image', () => {
  it('explicit id, else the upstream deploymentDetails entry of the region and provider', () => {
    expect(resolveImage({ imageId: 'ami-1' }, 'us-east-1', 'aws', [])).toEqual({ id: 'ami-1' });
    const details = [
      { region: 'us-east-1', imageId: 'ami-e', imageName: 'e', cloudProvider: 'aws' },
      { region: 'local', imageId: 'sha-l', imageName: 'l', cloudProvider: 'local' },
    ];
    expect(resolveImage({}, 'local', 'local', details)).toEqual({ id: 'sha-l', name: 'l' });
    expect(resolveImage({}, 'us-east-1', 'aws', details)).toEqual({ id: 'ami-e', name: 'e' });
  });

  it('no image is bad input naming /imageId and saying what upstream produced', () => {
    try {
      resolveImage({}, 'us-west-2', 'aws', [{ region: 'us-east-1', imageId: 'ami-e', cloudProvider: 'aws' }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details[0]?.pointer).toBe('/imageId');
      expect((err as InputError).message).toContain('us-east-1 (aws)');
    }
  });
});
