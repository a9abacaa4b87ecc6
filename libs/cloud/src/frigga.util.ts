import type { ErrorDetail } from '@gennaker/common';

/**
 * Netflix Frigga naming: a server group is `app[-stack[-detail]]-vNNN`, its cluster the name without
 * the version. Application and stack use letters, digits, `.` and `_`; the detail may also hold
 * hyphens, `~` and `^`. A detail without a stack is written `app--detail`.
 */
const NAME_CHARS = 'a-zA-Z0-9._';
const DETAIL_CHARS = '-a-zA-Z0-9._~^';
const APP_RE = new RegExp(`^[${NAME_CHARS}]+$`);
const STACK_RE = new RegExp(`^[${NAME_CHARS}]*$`);
const DETAIL_RE = new RegExp(`^[${DETAIL_CHARS}]*$`);
const CLUSTER_RE = new RegExp(`^([${NAME_CHARS}]+)(?:-([${NAME_CHARS}]*)(?:-([${DETAIL_CHARS}]*))?)?$`);
const VERSION_RE = /^(.+)-v([0-9]{3})$/;

/** Versions run v000..v999 and wrap. */
export const SEQUENCE_SLOTS = 1000;
/** AWS limits Auto Scaling group names to 255 characters; Frigga names stay within it everywhere. */
export const MAX_NAME_LENGTH = 255;

export interface FriggaName {
  application: string;
  stack: string | null;
  detail: string | null;
  cluster: string;
  /** The vNNN number, null when the name has none (a cluster name, or a group created outside). */
  sequence: number | null;
}

/** Parses a server group or cluster name; null when it is not a Frigga name. */
export function parseName(name: string): FriggaName | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return null;
  // The version first (as Frigga does), so `app-v001` is not read as stack "v001".
  const versioned = VERSION_RE.exec(name);
  const base = versioned ? (versioned[1] as string) : name;
  const seq = versioned ? versioned[2] : undefined;
  const m = CLUSTER_RE.exec(base);
  if (!m) return null;
  const [, app, stack, detail] = m;
  const stackPart = stack === undefined || stack === '' ? null : stack;
  const detailPart = detail === undefined || detail === '' ? null : detail;
  return {
    application: app as string,
    stack: stackPart,
    detail: detailPart,
    cluster: clusterName(app as string, stackPart, detailPart),
    sequence: seq === undefined ? null : Number(seq),
  };
}

/** `app`, `app-stack`, `app-stack-detail` or `app--detail`. */
export function clusterName(application: string, stack?: string | null, detail?: string | null): string {
  const s = stack ?? '';
  const d = detail ?? '';
  if (d !== '') return `${application}-${s}-${d}`;
  if (s !== '') return `${application}-${s}`;
  return application;
}

export function formatSequence(sequence: number): string {
  return `v${String(sequence).padStart(3, '0')}`;
}

export function serverGroupName(cluster: string, sequence: number): string {
  return `${cluster}-${formatSequence(sequence)}`;
}

/**
 * Checks the parts of a cluster name. Pointers are relative to the object holding the parts
 * (`/application`, `/stack`, `/freeFormDetails`).
 */
export function validateNameParts(
  parts: { application?: unknown; stack?: unknown; detail?: unknown },
  keys: { application?: string; stack?: string; detail?: string } = {},
): ErrorDetail[] {
  const k = { application: 'application', stack: 'stack', detail: 'freeFormDetails', ...keys };
  const errors: ErrorDetail[] = [];
  const { application, stack, detail } = parts;
  if (typeof application !== 'string' || application === '') {
    errors.push({ pointer: `/${k.application}`, message: 'an application name is required' });
  } else if (!APP_RE.test(application)) {
    errors.push({ pointer: `/${k.application}`, message: `"${application}" may only use letters, digits, "." and "_" (no hyphens: Frigga reads them as separators)` });
  }
  if (stack !== undefined && stack !== null && (typeof stack !== 'string' || !STACK_RE.test(stack))) {
    errors.push({ pointer: `/${k.stack}`, message: `stack ${JSON.stringify(stack)} may only use letters, digits, "." and "_"` });
  }
  if (detail !== undefined && detail !== null && (typeof detail !== 'string' || !DETAIL_RE.test(detail))) {
    errors.push({ pointer: `/${k.detail}`, message: `detail ${JSON.stringify(detail)} may only use letters, digits and "-._~^"` });
  }
  if (errors.length === 0 && typeof application === 'string') {
    const name = clusterName(application, stack as string | null | undefined, detail as string | null | undefined);
    if (name.length + 5 > MAX_NAME_LENGTH) errors.push({ pointer: `/${k.application}`, message: `the cluster name ${name} is too long (at most ${MAX_NAME_LENGTH - 5} characters)` });
  }
  return errors;
}

/** Checks a full cluster name (e.g. a stage's `cluster`). */
export function validateClusterName(name: unknown, pointer = '/cluster'): ErrorDetail[] {
  if (typeof name !== 'string' || name === '') return [{ pointer, message: 'a cluster name is required' }];
  const parsed = parseName(name);
  if (!parsed || parsed.sequence !== null) {
    return [{ pointer, message: `"${name}" is not a cluster name (app[-stack[-detail]], letters, digits, "._" and "-" as separator, no -vNNN)` }];
  }
  return [];
}

/** Checks a full server group name (e.g. a stage's `serverGroupName`). */
export function validateServerGroupName(name: unknown, pointer = '/serverGroupName'): ErrorDetail[] {
  if (typeof name !== 'string' || name === '') return [{ pointer, message: 'a server group name is required' }];
  if (!parseName(name)) return [{ pointer, message: `"${name}" is not a Frigga server group name (app[-stack[-detail]][-vNNN])` }];
  return [];
}

/**
 * The version of the next server group of a cluster: the newest group's version + 1 (mod 1000),
 * moving on past versions still taken. The newest is the most recently created, not the highest
 * number: after v999 comes v000. Throws when all 1000 versions are taken.
 */
export function nextSequence(existing: ReadonlyArray<{ sequence: number | null; createdTime: number }>): number {
  const versioned = existing.filter((g): g is { sequence: number; createdTime: number } => g.sequence !== null);
  if (versioned.length === 0) return 0;
  const taken = new Set(versioned.map((g) => g.sequence));
  const newest = versioned.reduce((a, b) => (b.createdTime > a.createdTime || (b.createdTime === a.createdTime && b.sequence > a.sequence) ? b : a));
  for (let i = 1; i <= SEQUENCE_SLOTS; i++) {
    const candidate = (newest.sequence + i) % SEQUENCE_SLOTS;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`every version v000..v999 is taken: destroy old server groups of the cluster first`);
}
