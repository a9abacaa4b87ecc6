import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { CloudAccount, ProviderType } from './provider.port';

export const PROVIDER_TYPES: readonly ProviderType[] = ['aws', 'local'];

/** One account entry as written in the accounts file: the common fields checked, the rest kept for its provider. */
export type RawAccount = CloudAccount & Record<string, unknown>;

/** The account every install has (unless the accounts file defines one named `local`). */
export const BUILTIN_LOCAL_ACCOUNT: RawAccount = {
  name: 'local',
  provider: 'local',
  regions: ['local'],
  environment: 'test',
};

const ACCOUNT_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/;

/**
 * Reads the parsed accounts file (`{accounts: [...]}` or a bare list) and checks the fields every
 * provider shares. Provider-specific keys are kept as they are, for the provider's factory to check.
 * Throws an InputError listing every problem with its JSON pointer.
 */
export function parseAccounts(doc: unknown, options: { builtinLocal?: boolean } = {}): RawAccount[] {
  const errors: ErrorDetail[] = [];
  let list: unknown;
  let base = '';
  if (Array.isArray(doc)) list = doc;
  else if (isPlainObject(doc)) {
    list = doc['accounts'] ?? [];
    base = '/accounts';
  } else if (doc === null || doc === undefined) list = [];
  else throw new InputError('the accounts file must hold a list of accounts (accounts: [...])', [{ pointer: '', message: 'must be an object with an accounts list' }]);
  if (!Array.isArray(list)) throw new InputError('accounts must be a list', [{ pointer: base, message: 'must be a list' }]);

  const accounts: RawAccount[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry, i) => {
    const p = `${base}/${i}`;
    if (!isPlainObject(entry)) {
      errors.push({ pointer: p, message: 'each account must be an object' });
      return;
    }
    const before = errors.length;
    const { name, provider, environment, regions, permissions, defaults } = entry;
    if (typeof name !== 'string' || !ACCOUNT_NAME_RE.test(name)) {
      errors.push({ pointer: `${p}/name`, message: 'name is required: letters, digits, ".", "_" and "-" (at most 100)' });
    } else if (seen.has(name)) {
      errors.push({ pointer: `${p}/name`, message: `account "${name}" is defined twice (also at ${base}/${seen.get(name)})` });
    } else seen.set(name, i);
    if (typeof provider !== 'string' || !(PROVIDER_TYPES as readonly string[]).includes(provider)) {
      errors.push({ pointer: `${p}/provider`, message: `provider must be one of ${PROVIDER_TYPES.join(', ')}` });
    }
    if (environment !== undefined && (typeof environment !== 'string' || environment === '')) {
      errors.push({ pointer: `${p}/environment`, message: 'environment must be a non-empty string (e.g. prod, test)' });
    }
    if (!Array.isArray(regions) || regions.length === 0) {
      errors.push({ pointer: `${p}/regions`, message: 'regions must be a non-empty list of region names' });
    } else {
      regions.forEach((r, j) => {
        if (typeof r !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(r)) errors.push({ pointer: `${p}/regions/${j}`, message: 'a region name uses lower-case letters, digits and "-"' });
      });
      if (new Set(regions).size !== regions.length) errors.push({ pointer: `${p}/regions`, message: 'regions must not repeat' });
    }
    if (permissions !== undefined) errors.push(...checkPermissions(permissions, `${p}/permissions`));
    if (defaults !== undefined && !isPlainObject(defaults)) errors.push({ pointer: `${p}/defaults`, message: 'defaults must be an object' });
    if (errors.length > before) return;
    accounts.push({
      ...entry,
      name: name as string,
      provider: provider as ProviderType,
      environment: (environment as string | undefined) ?? 'test',
      regions: [...(regions as string[])],
      ...(permissions !== undefined ? { permissions: permissions as CloudAccount['permissions'] } : {}),
      ...(defaults !== undefined ? { defaults: defaults as Record<string, unknown> } : {}),
    });
  });
  if (errors.length > 0) throw new InputError(`the accounts file is invalid: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, errors);
  if (options.builtinLocal !== false && !accounts.some((a) => a.name === BUILTIN_LOCAL_ACCOUNT.name)) accounts.unshift({ ...BUILTIN_LOCAL_ACCOUNT });
  return accounts;
}

function checkPermissions(v: unknown, p: string): ErrorDetail[] {
  if (!isPlainObject(v)) return [{ pointer: p, message: 'permissions must be an object {READ: [roles], WRITE: [roles]}' }];
  const errors: ErrorDetail[] = [];
  for (const [k, roles] of Object.entries(v)) {
    if (k !== 'READ' && k !== 'WRITE') errors.push({ pointer: `${p}/${k}`, message: 'only READ and WRITE are account permissions' });
    else if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string')) errors.push({ pointer: `${p}/${k}`, message: 'must be a list of role names' });
  }
  return errors;
}

/** What the API shows of an account: never credentials or other provider-specific keys. */
export function publicAccount(a: CloudAccount): CloudAccount {
  return {
    name: a.name,
    provider: a.provider,
    regions: [...a.regions],
    environment: a.environment,
    permissions: a.permissions ?? {},
  };
}
