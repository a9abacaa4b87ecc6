import type { Subnet } from '@aws-sdk/client-ec2';

/**
 * The subnet's type as Spinnaker reads it: the value of `tagKey`, or, for `immutable_metadata`,
 * the `purpose` of the JSON it holds (`{"purpose": "internal"}`).
 */
export function subnetTypeOf(subnet: Subnet, tagKey: string): string | undefined {
  const value = subnet.Tags?.find((t) => t.Key === tagKey)?.Value;
  if (value === undefined) return undefined;
  if (tagKey !== 'immutable_metadata') return value;
  try {
    const purpose = (JSON.parse(value) as { purpose?: unknown }).purpose;
    return typeof purpose === 'string' ? purpose : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The subnets a group or a builder launches into: those of the type asked for (optionally only in
 * some zones), or, when no type is asked for, the default subnets of the default VPC. Sorted by
 * zone so the choice is stable. Empty when nothing matches (the caller names the field).
 */
export function selectSubnets(subnets: Subnet[], opts: { subnetType?: string; tagKey: string; availabilityZones?: string[] }): Subnet[] {
  const zones = opts.availabilityZones && opts.availabilityZones.length > 0 ? new Set(opts.availabilityZones) : undefined;
  return subnets
    .filter((s) => (s.State ?? 'available') === 'available')
    .filter((s) => (opts.subnetType ? subnetTypeOf(s, opts.tagKey) === opts.subnetType : s.DefaultForAz === true))
    .filter((s) => !zones || zones.has(s.AvailabilityZone ?? ''))
    .sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? '') || (a.SubnetId ?? '').localeCompare(b.SubnetId ?? ''));
}
