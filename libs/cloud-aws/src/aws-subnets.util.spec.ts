import { describe, expect, it } from 'vitest';
import { selectSubnets, subnetTypeOf } from './aws-subnets.util';

const s = (id: string, az: string, tags: Record<string, string>, defaultForAz = false) => ({
  SubnetId: id,
  AvailabilityZone: az,
  DefaultForAz: defaultForAz,
  State: 'available' as const,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe('subnet selection', () => {
  const subnets = [
    s('subnet-3', 'us-east-1b', { immutable_metadata: '{"purpose":"internal"}' }),
    s('subnet-1', 'us-east-1a', { immutable_metadata: '{"purpose": "internal", "target": "ec2"}' }),
    s('subnet-2', 'us-east-1a', { immutable_metadata: '{"purpose":"external"}' }),
    s('subnet-4', 'us-east-1c', { immutable_metadata: 'not json' }),
    s('subnet-d1', 'us-east-1a', {}, true),
    s('subnet-d2', 'us-east-1b', {}, true),
  ];

  it('picks subnets by their Spinnaker purpose tag, sorted by zone', () => {
    expect(selectSubnets(subnets, { subnetType: 'internal', tagKey: 'immutable_metadata' }).map((x) => x.SubnetId)).toEqual(['subnet-1', 'subnet-3']);
    expect(selectSubnets(subnets, { subnetType: 'internal', tagKey: 'immutable_metadata', availabilityZones: ['us-east-1b'] }).map((x) => x.SubnetId)).toEqual(['subnet-3']);
    expect(selectSubnets(subnets, { subnetType: 'nope', tagKey: 'immutable_metadata' })).toEqual([]);
  });

  it('reads a plain tag when configured so, and defaults to the default VPC subnets', () => {
    expect(subnetTypeOf(s('x', 'a', { 'gennaker:subnet-type': 'private' }), 'gennaker:subnet-type')).toBe('private');
    expect(subnetTypeOf(subnets[3]!, 'immutable_metadata')).toBeUndefined();
    expect(selectSubnets(subnets, { tagKey: 'immutable_metadata' }).map((x) => x.SubnetId)).toEqual(['subnet-d1', 'subnet-d2']);
  });
});
