// Converts a Spinnaker application (Front50's record, Gate's `{name, attributes}` as `spin application
// get` prints it, or a Fiat permission record `{name, permissions}`) into Gennaker's
// `{name, email, description, permissions}`.

import { APPLICATION_NAME } from './pipeline-conversion.util';
import { isPlainObject, Notes, pointer, quote, type Json } from './notes.util';

const PERMISSIONS = ['READ', 'WRITE', 'EXECUTE'] as const;
/** Keys Gennaker keeps; everything else an application record holds is dropped with a change. */
const KEPT = new Set(['name', 'email', 'description', 'permissions']);

export interface ConvertedApplication {
  document: Json | null;
  name: string;
  notes: Notes;
}

/** True when a document looks like an application record rather than a pipeline or canary config. */
export function looksLikeApplication(doc: Json): boolean {
  if (Array.isArray(doc['stages']) || Array.isArray(doc['metrics'])) return false;
  if (isPlainObject(doc['attributes']) && (typeof doc['name'] === 'string' || typeof doc['attributes']['name'] === 'string')) return true;
  if (typeof doc['name'] !== 'string') return false;
  const markers = ['email', 'cloudProviders', 'accounts', 'permissions', 'instancePort', 'trafficGuards', 'requiredGroupMembership', 'repoType', 'repoSlug', 'platformHealthOnly', 'dataSources', 'owner'];
  return markers.some((k) => k in doc);
}

export function convertApplication(input: Json): ConvertedApplication {
  const notes = new Notes();
  // Gate (and `spin application get`) wrap the record in `attributes`; pointers follow the file.
  const wrapped = isPlainObject(input['attributes']);
  const record: Json = wrapped ? { ...(input['attributes'] as Json) } : { ...input };
  const at = (key: string): string => (wrapped && key !== 'name' ? pointer('attributes', key) : pointer(key));
  if (wrapped && typeof record['name'] !== 'string' && typeof input['name'] === 'string') record['name'] = input['name'];

  const raw = record['name'];
  let name = typeof raw === 'string' ? raw : '';
  if (name !== '' && name !== name.toLowerCase()) {
    notes.change(at('name'), `${quote(name)} written in lower case, as Gennaker names applications (Front50 stores them upper-case)`);
    name = name.toLowerCase();
  }
  if (!APPLICATION_NAME.test(name)) {
    notes.problem(at('name'), name === '' ? 'an application needs a name' : `${quote(name)} is not an application name Gennaker accepts: lower-case letters and digits, starting with a letter (no dashes: they separate stack and detail in cluster names)`);
  }
  const out: Json = { name };

  const email = record['email'];
  if (typeof email === 'string' && email !== '') {
    if (/^[^@\s]+@[^@\s]+$/.test(email) && email.length <= 2000) out['email'] = email;
    else notes.change(at('email'), `removed ${quote(email)}: not an e-mail address`);
  }
  const description = record['description'];
  if (typeof description === 'string' && description !== '') out['description'] = description.slice(0, 2000);

  const permissions = convertPermissions(record, at, notes);
  if (permissions) out['permissions'] = permissions;

  const guards = record['trafficGuards'];
  if (Array.isArray(guards) && guards.length > 0) {
    notes.warn(at('trafficGuards'), `${guards.length} traffic guard(s) dropped: Gennaker does not refuse disabling the last enabled server group of a cluster; keep such operations behind a manual judgment`);
  }
  for (const key of Object.keys(record)) {
    if (KEPT.has(key) || key === 'requiredGroupMembership') continue;
    notes.change(at(key), `removed: Gennaker's applications do not keep ${key}`);
  }
  if (wrapped) {
    for (const key of Object.keys(input)) {
      if (key !== 'attributes' && key !== 'name') notes.change(pointer(key), `removed: ${key} is what Gate showed of the application (${key === 'clusters' ? 'Gennaker reads clusters from the cloud' : 'not part of its record'})`);
    }
  }
  return { document: notes.problems.length > 0 ? null : out, name, notes };
}

/** READ/WRITE/EXECUTE as Fiat has them; the old `requiredGroupMembership` gives READ and WRITE. */
function convertPermissions(record: Json, at: (key: string) => string, notes: Notes): Json | null {
  const p = record['permissions'];
  if (isPlainObject(p)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(p)) {
      if (!(PERMISSIONS as readonly string[]).includes(k)) {
        notes.change(`${at('permissions')}/${k}`, `removed: Gennaker's application permissions are ${PERMISSIONS.join(', ')}`);
        continue;
      }
      const roles = Array.isArray(v) ? v.filter((r): r is string => typeof r === 'string' && r !== '') : [];
      if (!Array.isArray(v) || roles.length !== v.length) notes.change(`${at('permissions')}/${k}`, 'kept only the role names (strings)');
      out[k] = roles;
    }
    if (record['requiredGroupMembership'] !== undefined) notes.change(at('requiredGroupMembership'), 'removed: permissions say who may do what');
    return out;
  }
  const legacy = record['requiredGroupMembership'];
  if (Array.isArray(legacy) && legacy.length > 0) {
    const roles = legacy.filter((r): r is string => typeof r === 'string' && r !== '');
    notes.change(at('requiredGroupMembership'), `became permissions READ and WRITE for ${roles.join(', ')} (Fiat's reading of the old field); EXECUTE follows READ`);
    return { READ: roles, WRITE: roles };
  }
  if (legacy !== undefined) notes.change(at('requiredGroupMembership'), 'removed (empty)');
  return null;
}

/** Fills the gaps of one application document from another of the same name (a record and its permission file). */
export function mergeApplications(into: Json, from: Json): string[] {
  const filled: string[] = [];
  for (const [k, v] of Object.entries(from)) {
    if (into[k] === undefined) {
      into[k] = v;
      filled.push(k);
    }
  }
  return filled;
}
