import ipaddr from 'ipaddr.js';

/**
 * Where a webhook stage may not call (SSRF): by default loopback, link-local (with the cloud
 * metadata address 169.254.169.254), "this host" (0.0.0.0, ::) and the other metadata endpoints;
 * private ranges only with `refusePrivate`. An allowlist of hosts and CIDRs opens exceptions.
 */
export interface AddressPolicy {
  /** Host names (exact or `*.suffix`), addresses and CIDRs that may always be called. */
  allow: readonly string[];
  /** Also refuse RFC 1918, unique-local (fc00::/7) and carrier-grade NAT ranges. */
  refusePrivate: boolean;
}

const METADATA = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'];
const ALWAYS_REFUSED = new Set(['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast']);
const PRIVATE = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);

export function isIpAddress(host: string): boolean {
  return ipaddr.isValid(stripBrackets(host));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) into the IPv4 it carries.
    return ipaddr.process(stripBrackets(address));
  } catch {
    return null;
  }
}

/** The range an address is in ('loopback', 'linkLocal', 'private', 'unicast', ... or 'metadata'). */
export function addressClass(address: string): string {
  const a = parse(address);
  if (!a) return 'invalid';
  if (METADATA.some((m) => parse(m)?.toNormalizedString() === a.toNormalizedString())) return 'metadata';
  // NAT64 and 6to4 forms can carry an IPv4 address of any class: judge them as that address.
  return a.range();
}

/** Whether the host name, as written in the URL, is on the allowlist. */
export function hostAllowed(host: string, policy: AddressPolicy): boolean {
  const h = stripBrackets(host).toLowerCase().replace(/\.$/, '');
  return policy.allow.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e === '' || e.includes('/')) return false;
    if (e.startsWith('*.')) return h.endsWith(e.slice(1));
    return h === e || (isIpAddress(e) && isIpAddress(h) && parse(e)?.toNormalizedString() === parse(h)?.toNormalizedString());
  });
}

function inAllowedCidr(a: ipaddr.IPv4 | ipaddr.IPv6, policy: AddressPolicy): boolean {
  return policy.allow.some((entry) => {
    if (!entry.includes('/')) return false;
    try {
      const [net, bits] = ipaddr.parseCIDR(entry.trim());
      return net.kind() === a.kind() && a.match(net, bits);
    } catch {
      return false;
    }
  });
}

/** Why an address may not be called, or null when it may. */
export function refusalOf(address: string, policy: AddressPolicy): string | null {
  const a = parse(address);
  if (!a) return `"${address}" is not an IP address`;
  if (inAllowedCidr(a, policy) || hostAllowed(a.toString(), policy)) return null;
  const cls = addressClass(address);
  if (cls === 'metadata') return `${a.toString()} is a cloud metadata address`;
  if (ALWAYS_REFUSED.has(cls)) return `${a.toString()} is a ${cls} address`;
  if (policy.refusePrivate && PRIVATE.has(cls)) return `${a.toString()} is a ${cls} address`;
  return null;
}

/** Reads the allowlist setting: comma- or space-separated hosts, addresses and CIDRs. */
export function parseAllowlist(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).map((s) => s.trim()).filter((s) => s !== '');
}
