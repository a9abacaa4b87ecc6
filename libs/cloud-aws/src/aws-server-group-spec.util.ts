import type { Capacity, ServerGroupSpec } from '@gennaker/cloud';
import { InputError, type ErrorDetail } from '@gennaker/common';
import type { AwsAccountConfig } from './aws-account.util';
import { parseFriggaName, type FriggaName } from './frigga-name.util';
import { TAG } from './aws-server-group.util';

/** A spec with the account's defaults applied, ready to send. */
export interface ResolvedSpec {
  spec: ServerGroupSpec;
  name: FriggaName;
  instanceType: string;
  securityGroups: string[];
  keyPair?: string;
  iamInstanceProfile?: string;
  subnetType?: string;
  availabilityZones?: string[];
  targetGroups: string[];
  loadBalancers: string[];
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriodSeconds: number;
  /** Base64, as EC2 wants it; undefined for none. */
  userData?: string;
  /** Our tags and the user's, on the ASG (propagated to instances) and the launch template. */
  tags: Record<string, string>;
}

/**
 * Pointers of spec errors use the deploy stage's cluster field names (Spinnaker's), since that is
 * what the user wrote; the deploy stage prefixes them with the cluster's own pointer.
 */
export const SPEC_POINTERS = {
  name: '/serverGroupName',
  application: '/application',
  image: '/imageId',
  capacity: '/capacity',
  instanceType: '/instanceType',
  targetGroups: '/targetGroups',
  loadBalancers: '/loadBalancers',
  healthCheckType: '/healthCheckType',
  healthCheckGracePeriod: '/healthCheckGracePeriod',
  securityGroups: '/securityGroups',
  zones: '/availabilityZones',
  userData: '/base64UserData',
  env: '/env',
  tags: '/tags',
  keyPair: '/keyPair',
  iamInstanceProfile: '/iamRole',
  subnetType: '/subnetType',
} as const;
const P = SPEC_POINTERS;

const TG_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_ID = /^ami-[0-9a-f]{8,17}$/;

export function capacityErrors(c: Capacity | undefined, at = '/capacity'): ErrorDetail[] {
  if (!c || typeof c !== 'object') return [{ pointer: at, message: 'is required: {min, max, desired}' }];
  const out: ErrorDetail[] = [];
  for (const k of ['min', 'max', 'desired'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 0 || v > 10_000) out.push({ pointer: `${at}/${k}`, message: 'must be an integer from 0 to 10000' });
  }
  if (out.length > 0) return out;
  if (c.min > c.max) out.push({ pointer: `${at}/min`, message: `min (${c.min}) must not exceed max (${c.max})` });
  else if (c.desired < c.min || c.desired > c.max) out.push({ pointer: `${at}/desired`, message: `desired (${c.desired}) must be between min (${c.min}) and max (${c.max})` });
  return out;
}

/**
 * Checks a server group spec against the account before anything is called, with the account's
 * defaults filled in. Pointers are relative to the spec (the stage maps them into its context).
 */
export function resolveServerGroupSpec(spec: ServerGroupSpec, account: AwsAccountConfig): ResolvedSpec {
  const errors: ErrorDetail[] = [];
  const bad = (pointer: string, message: string) => errors.push({ pointer, message });
  const name = typeof spec.name === 'string' ? parseFriggaName(spec.name) : null;
  if (!name || name.sequence === null) bad(P.name, 'must be a Frigga server group name: app[-stack[-detail]]-vNNN (letters, digits, "." and "_"; "~" and "^" only in the detail)');
  else if (spec.name.length > 255) bad(P.name, 'must be at most 255 characters');
  else if (name.application !== spec.application) bad(P.application, `must be the application of the name (${name.application})`);
  if (!spec.image || typeof spec.image.id !== 'string' || spec.image.id === '') bad(P.image, 'an image is required (an AMI id from a bake or findImage stage, or given)');
  else if (!IMAGE_ID.test(spec.image.id)) bad(P.image, 'must be an AMI id such as ami-0123456789abcdef0');
  errors.push(...capacityErrors(spec.capacity, P.capacity));

  const instanceType = spec.instanceType ?? account.defaults.instanceType;
  if (!instanceType) bad(P.instanceType, 'is required (or set defaults.instanceType on the account)');
  else if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType)) bad(P.instanceType, 'must be an EC2 instance type such as t3.micro');

  const targetGroups = spec.targetGroups ?? [];
  targetGroups.forEach((tg, i) => {
    if (typeof tg !== 'string' || !TG_NAME.test(tg)) bad(`${P.targetGroups}/${i}`, 'must be a target group name (1-32 letters, digits and hyphens)');
  });
  if (targetGroups.join(',').length > 256) bad(P.targetGroups, 'names together must fit a 256-character tag');
  const loadBalancers = spec.loadBalancers ?? [];
  loadBalancers.forEach((lb, i) => {
    if (typeof lb !== 'string' || !/^[a-zA-Z0-9-]{1,32}$/.test(lb)) bad(`${P.loadBalancers}/${i}`, 'must be a classic load balancer name (1-32 letters, digits and hyphens)');
  });
  if (loadBalancers.join(',').length > 256) bad(P.loadBalancers, 'names together must fit a 256-character tag');

  const healthCheckType = (spec.healthCheckType ?? 'EC2') as 'EC2' | 'ELB';
  if (healthCheckType !== 'EC2' && healthCheckType !== 'ELB') bad(P.healthCheckType, 'must be EC2 or ELB');
  const grace = spec.healthCheckGracePeriodSeconds ?? 300;
  if (!Number.isInteger(grace) || grace < 0 || grace > 7200) bad(P.healthCheckGracePeriod, 'must be an integer from 0 to 7200');

  const securityGroups = spec.securityGroups ?? account.defaults.securityGroups ?? [];
  securityGroups.forEach((sg, i) => {
    if (typeof sg !== 'string' || sg === '') bad(`${P.securityGroups}/${i}`, 'must be a security group id or name');
  });
  // The deploy stage passes the region's zones of availabilityZones {region: [zones]} as extra.zones.
  const zones = spec.extra?.['zones'];
  if (zones !== undefined && (!Array.isArray(zones) || !zones.every((z) => typeof z === 'string'))) bad(P.zones, 'must map each region to a list of zone names');

  const userData = userDataFor(spec, bad);

  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.tags ?? {})) {
    if (k.startsWith('aws:')) bad(`${P.tags}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'the aws: prefix is reserved by AWS');
    else if (k.length > 128 || typeof v !== 'string' || v.length > 256) bad(`${P.tags}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'tag keys are at most 128 characters and values strings of at most 256');
    else tags[k] = v;
  }
  if (errors.length > 0) throw new InputError(`invalid server group ${typeof spec.name === 'string' ? spec.name : ''}`.trim(), errors);

  const n = name as FriggaName;
  const executionId = spec.extra?.['executionId'];
  Object.assign(tags, {
    Name: spec.name,
    [TAG.application]: n.application,
    [TAG.cluster]: n.cluster,
    ...(n.stack ? { [TAG.stack]: n.stack } : {}),
    ...(n.detail ? { [TAG.detail]: n.detail } : {}),
    [TAG.version]: `v${String(n.sequence).padStart(3, '0')}`,
    ...(typeof executionId === 'string' && executionId ? { [TAG.execution]: executionId } : {}),
    [TAG.imageId]: spec.image.id,
    ...(spec.image.name ? { [TAG.imageName]: spec.image.name.slice(0, 256) } : {}),
    ...(targetGroups.length > 0 ? { [TAG.targetGroups]: targetGroups.join(',') } : {}),
    ...(loadBalancers.length > 0 ? { [TAG.loadBalancers]: loadBalancers.join(',') } : {}),
    ...((spec.subnetType ?? account.defaults.subnetType) ? { [TAG.subnetType]: (spec.subnetType ?? account.defaults.subnetType) as string } : {}),
    [TAG.instanceType]: instanceType as string,
  });
  if (Object.keys(tags).length > 50) throw new InputError('too many tags', [{ pointer: P.tags, message: `an Auto Scaling group takes at most 50 tags; with Gennaker's own this is ${Object.keys(tags).length}` }]);

  const keyPair = spec.keyPair ?? account.defaults.keyPair;
  const iamInstanceProfile = spec.iamInstanceProfile ?? account.defaults.iamInstanceProfile;
  const subnetType = spec.subnetType ?? account.defaults.subnetType;
  return {
    spec,
    name: n,
    instanceType: instanceType as string,
    securityGroups,
    ...(keyPair ? { keyPair } : {}),
    ...(iamInstanceProfile ? { iamInstanceProfile } : {}),
    ...(subnetType ? { subnetType } : {}),
    ...(Array.isArray(zones) && zones.length > 0 ? { availabilityZones: zones as string[] } : {}),
    targetGroups,
    loadBalancers,
    healthCheckType,
    healthCheckGracePeriodSeconds: grace,
    ...(userData !== undefined ? { userData } : {}),
    tags,
  };
}

/**
 * User data as EC2 wants it (base64). `userData` is taken as base64 when it is (Spinnaker's
 * base64UserData, passed through by the deploy stage), as text otherwise (a script has spaces and
 * newlines, which base64 has not). With `env`, the script first writes /etc/gennaker/env (for
 * systemd's EnvironmentFile=).
 */
function userDataFor(spec: ServerGroupSpec, bad: (pointer: string, message: string) => void): string | undefined {
  const raw = spec.userData ?? spec.extra?.['base64UserData'];
  if (raw !== undefined && typeof raw !== 'string') {
    bad(P.userData, 'must be a string');
    return undefined;
  }
  const env = spec.env ?? {};
  const keys = Object.keys(env);
  if (raw !== undefined && keys.length === 0) {
    const b64 = decodeBase64Text(raw) !== undefined ? raw : Buffer.from(raw, 'utf8').toString('base64');
    if (b64.length > 25_600) bad(P.userData, 'must be at most 16 KiB before base64 (the EC2 limit)');
    return b64;
  }
  if (keys.length === 0) return undefined;
  let text = raw === undefined ? undefined : (decodeBase64Text(raw) ?? raw);
  for (const k of keys) if (!ENV_KEY.test(k)) bad(`${P.env}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'must be a shell variable name');
  const lines = ['mkdir -p /etc/gennaker', "cat > /etc/gennaker/env <<'GENNAKER_ENV'", ...keys.map((k) => `${k}=${shellQuote(env[k] ?? '')}`), 'GENNAKER_ENV'];
  if (text === undefined) text = ['#!/bin/bash', ...lines, ''].join('\n');
  else if (/^#!\/bin\/(ba)?sh/.test(text)) {
    const nl = text.indexOf('\n');
    text = nl < 0 ? `${text}\n${lines.join('\n')}\n` : `${text.slice(0, nl + 1)}${lines.join('\n')}\n${text.slice(nl + 1)}`;
  } else {
    bad(P.env, 'env needs user data that is a shell script (#!/bin/bash) or none');
    return undefined;
  }
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  if (encoded.length > 25_600) bad(P.userData, 'must be at most 16 KiB before base64 (the EC2 limit)');
  return encoded;
}

/** The text a base64 string encodes, or undefined when it is not base64 of UTF-8 text. */
export function decodeBase64Text(s: string): string | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  if (text.includes('\uFFFD') || Buffer.from(text, 'utf8').toString('base64') !== s) return undefined;
  return text;
}

function shellQuote(v: string): string {
  if (v.includes('\n')) return `'${v.replace(/\n/g, ' ').replace(/'/g, `'\\''`)}'`;
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
