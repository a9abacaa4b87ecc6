import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';

/** One aws entry of the accounts file, validated. Holds the only copy of its credentials config. */
export interface AwsAccountConfig {
  name: string;
  environment: string;
  regions: string[];
  /** The 12-digit id, when known (shown nowhere; used to own images). */
  accountId?: string;
  /** Any AWS-compatible API (moto_server, LocalStack): overrides every client's endpoint. */
  endpoint?: string;
  /** Absent: the default credential chain of the process. */
  assumeRole?: { roleArn: string; externalId?: string; sessionName: string; durationSeconds: number };
  permissions?: { READ?: string[]; WRITE?: string[] };
  defaults: AwsAccountDefaults;
  /** The subnet tag naming its type (Spinnaker: `immutable_metadata` JSON with `purpose`). */
  subnetTypeTag: string;
  /** Our token bucket for this account, per region: sustained calls per second and burst. */
  rateLimit: { perSecond: number; burst: number };
  /** SDK attempts per call (adaptive retry) before the task sees a TransientError. */
  maxAttempts: number;
}

export interface AwsAccountDefaults {
  subnetType?: string;
  securityGroups?: string[];
  keyPair?: string;
  iamInstanceProfile?: string;
  instanceType?: string;
  /** The bake builder's instance profile: it must allow ec2:CreateTags on itself. */
  bakeInstanceProfile?: string;
  bakeInstanceType?: string;
  bakeSubnetType?: string;
  bakeSecurityGroups?: string[];
}

const TOP_KEYS = new Set([
  'name', 'provider', 'environment', 'regions', 'permissions', 'defaults', 'description',
  'accountId', 'endpoint', 'assumeRole', 'subnetTypeTag', 'rateLimit', 'maxAttempts',
]);
const DEFAULT_KEYS: Record<keyof AwsAccountDefaults, 'string' | 'string[]'> = {
  subnetType: 'string',
  securityGroups: 'string[]',
  keyPair: 'string',
  iamInstanceProfile: 'string',
  instanceType: 'string',
  bakeInstanceProfile: 'string',
  bakeInstanceType: 'string',
  bakeSubnetType: 'string',
  bakeSecurityGroups: 'string[]',
};
const ROLE_KEYS = new Set(['roleArn', 'externalId', 'sessionName', 'durationSeconds']);

const ACCOUNT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Validates the aws entries of the accounts file. `pointers[i]` locates entry i in that file
 * (default `/accounts/<i>`), so errors name the field: `/accounts/2/assumeRole/roleArn`.
 * Messages never repeat a value that could be secret (external ids).
 */
export function parseAwsAccounts(entries: unknown[], pointers?: string[]): AwsAccountConfig[] {
  const details: ErrorDetail[] = [];
  const seen = new Map<string, string>();
  const accounts: AwsAccountConfig[] = [];
  entries.forEach((entry, i) => {
    const at = pointers?.[i] ?? `/accounts/${i}`;
    const account = parseOne(entry, at, details);
    if (!account) return;
    const dup = seen.get(account.name);
    if (dup !== undefined) details.push({ pointer: `${at}/name`, message: `account "${account.name}" is already defined at ${dup}` });
    seen.set(account.name, at);
    accounts.push(account);
  });
  // The details go into the message too: at start-up it may be all that gets printed.
  if (details.length > 0) throw new InputError(`invalid aws account${details.length > 1 ? 's' : ''} in the accounts file: ${details.map((d) => `${d.pointer}: ${d.message}`).join('; ')}`, details);
  return accounts;
}

function parseOne(entry: unknown, at: string, details: ErrorDetail[]): AwsAccountConfig | null {
  const before = details.length;
  // Named in each message: a pointer's index alone is hard to map back to an entry.
  const label = isPlainObject(entry) && typeof entry['name'] === 'string' ? `account "${entry['name']}": ` : '';
  const bad = (key: string, message: string) => details.push({ pointer: key ? `${at}/${key}` : at, message: `${label}${message}` });
  if (!isPlainObject(entry)) {
    bad('', 'must be an object');
    return null;
  }
  for (const key of Object.keys(entry)) if (!TOP_KEYS.has(key)) bad(key, `unknown key for an aws account (known: ${[...TOP_KEYS].join(', ')})`);

  const name = entry['name'];
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) bad('name', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  if (entry['provider'] !== undefined && entry['provider'] !== 'aws') bad('provider', 'must be "aws"');
  const environment = entry['environment'] ?? 'test';
  if (typeof environment !== 'string' || environment === '') bad('environment', 'must be a non-empty string such as prod or test');

  const regions: string[] = [];
  const rawRegions = entry['regions'];
  if (!Array.isArray(rawRegions) || rawRegions.length === 0) bad('regions', 'must list at least one region');
  else
    rawRegions.forEach((r, j) => {
      // Spinnaker writes regions as [{name: us-east-1}]; accept both forms.
      const region = isPlainObject(r) ? r['name'] : r;
      if (typeof region !== 'string' || !REGION.test(region)) bad(`regions/${j}`, 'must be an AWS region name such as us-east-1');
      else if (regions.includes(region)) bad(`regions/${j}`, `region ${region} is listed twice`);
      else regions.push(region);
    });

  const accountId = entry['accountId'];
  if (accountId !== undefined && (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId))) bad('accountId', 'must be a 12-digit string (quote it in YAML)');

  const endpoint = entry['endpoint'];
  if (endpoint !== undefined && !isHttpUrl(endpoint)) bad('endpoint', 'must be an http(s) URL without credentials, e.g. http://127.0.0.1:5055');

  let assumeRole: AwsAccountConfig['assumeRole'];
  const role = entry['assumeRole'];
  if (role !== undefined) {
    if (!isPlainObject(role)) bad('assumeRole', 'must be an object {roleArn, externalId?, sessionName?, durationSeconds?}');
    else {
      for (const key of Object.keys(role)) if (!ROLE_KEYS.has(key)) bad(`assumeRole/${key}`, 'unknown key (known: roleArn, externalId, sessionName, durationSeconds)');
      const { roleArn, externalId, sessionName, durationSeconds } = role;
      if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) bad('assumeRole/roleArn', 'must be an IAM role ARN: arn:aws:iam::<12 digits>:role/<name>');
      if (externalId !== undefined && (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId))) bad('assumeRole/externalId', 'must be 2-1224 characters of letters, digits and +=,.@:/-');
      const session = sessionName ?? `gennaker-${typeof name === 'string' ? name : 'account'}`.slice(0, 64);
      if (typeof session !== 'string' || !SESSION_NAME.test(session)) bad('assumeRole/sessionName', 'must be 2-64 characters of letters, digits and +=,.@-');
      const duration = durationSeconds ?? 3600;
      if (!Number.isInteger(duration) || (duration as number) < 900 || (duration as number) > 43_200) bad('assumeRole/durationSeconds', 'must be an integer from 900 to 43200');
      assumeRole = {
        roleArn: roleArn as string,
        ...(externalId !== undefined ? { externalId: externalId as string } : {}),
        sessionName: session as string,
        durationSeconds: duration as number,
      };
    }
  }

  const defaults: AwsAccountDefaults = {};
  const rawDefaults = entry['defaults'] ?? {};
  if (!isPlainObject(rawDefaults)) bad('defaults', 'must be an object');
  else
    for (const [key, value] of Object.entries(rawDefaults)) {
      const kind = DEFAULT_KEYS[key as keyof AwsAccountDefaults];
      if (!kind) bad(`defaults/${key}`, `unknown default (known: ${Object.keys(DEFAULT_KEYS).join(', ')})`);
      else if (kind === 'string' && (typeof value !== 'string' || value === '')) bad(`defaults/${key}`, 'must be a non-empty string');
      else if (kind === 'string[]' && (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))) bad(`defaults/${key}`, 'must be a list of non-empty strings');
      else (defaults as Record<string, unknown>)[key] = value;
    }

  const subnetTypeTag = entry['subnetTypeTag'] ?? 'immutable_metadata';
  if (typeof subnetTypeTag !== 'string' || subnetTypeTag === '') bad('subnetTypeTag', 'must be a tag key');

  const rawLimit = entry['rateLimit'] ?? {};
  const rateLimit = { perSecond: 20, burst: 40 };
  if (!isPlainObject(rawLimit)) bad('rateLimit', 'must be an object {perSecond, burst}');
  else {
    for (const key of Object.keys(rawLimit)) if (key !== 'perSecond' && key !== 'burst') bad(`rateLimit/${key}`, 'unknown key (known: perSecond, burst)');
    const { perSecond = rateLimit.perSecond, burst = rateLimit.burst } = rawLimit;
    if (typeof perSecond !== 'number' || !(perSecond > 0) || perSecond > 10_000) bad('rateLimit/perSecond', 'must be a number above 0 and at most 10000');
    if (!Number.isInteger(burst) || (burst as number) < 1 || (burst as number) > 10_000) bad('rateLimit/burst', 'must be an integer from 1 to 10000');
    rateLimit.perSecond = perSecond as number;
    rateLimit.burst = burst as number;
  }

  const maxAttempts = entry['maxAttempts'] ?? 8;
  if (!Number.isInteger(maxAttempts) || (maxAttempts as number) < 1 || (maxAttempts as number) > 20) bad('maxAttempts', 'must be an integer from 1 to 20');

  const permissions = entry['permissions'];
  if (permissions !== undefined && !isPlainObject(permissions)) bad('permissions', 'must be an object {READ?, WRITE?}');

  if (details.length > before) return null;
  return {
    name: name as string,
    environment: environment as string,
    regions,
    ...(accountId !== undefined ? { accountId: accountId as string } : {}),
    ...(endpoint !== undefined ? { endpoint: endpoint as string } : {}),
    ...(assumeRole ? { assumeRole } : {}),
    ...(permissions !== undefined ? { permissions: permissions as AwsAccountConfig['permissions'] } : {}),
    defaults,
    subnetTypeTag: subnetTypeTag as string,
    rateLimit,
    maxAttempts: maxAttempts as number,
  };
}

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const url = new URL(v);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
