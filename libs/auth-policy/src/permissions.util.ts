import type { Principal } from './principal';

export type ApplicationPermission = 'READ' | 'WRITE' | 'EXECUTE';
export type AccountPermission = 'READ' | 'WRITE';
export const APPLICATION_PERMISSIONS: readonly ApplicationPermission[] = ['READ', 'WRITE', 'EXECUTE'];

/** `{READ: [roles], WRITE: [roles], EXECUTE: [roles]}` as stored on an application or an account. */
export type PermissionMap = Readonly<Partial<Record<string, readonly string[] | undefined>>> | null | undefined;

const list = (p: PermissionMap, key: string): readonly string[] => {
  const v = p?.[key];
  return Array.isArray(v) ? v : [];
};

/** Restricted when any permission lists a role (Fiat: an empty permissions object is open). */
export function isRestricted(p: PermissionMap): boolean {
  return p !== null && p !== undefined && Object.values(p).some((v) => Array.isArray(v) && v.length > 0);
}

/**
 * The roles granted an application permission, as Fiat models it:
 * - WRITE or EXECUTE imply READ (nobody runs or edits what they cannot see);
 * - EXECUTE, when the key is absent, falls back to READ (Fiat's default `executeFallback`);
 * - WRITE does not imply EXECUTE.
 */
export function applicationRoles(p: PermissionMap, permission: ApplicationPermission): string[] {
  const read = [...list(p, 'READ'), ...list(p, 'WRITE'), ...list(p, 'EXECUTE')];
  switch (permission) {
    case 'READ':
      return unique(read);
    case 'WRITE':
      return unique(list(p, 'WRITE'));
    case 'EXECUTE':
      return unique(p && Array.isArray(p['EXECUTE']) ? list(p, 'EXECUTE') : read);
  }
}

/** Account permissions: WRITE implies READ; a restricted account without WRITE roles is deployable by admins only. */
export function accountRoles(p: PermissionMap, permission: AccountPermission): string[] {
  return unique(permission === 'READ' ? [...list(p, 'READ'), ...list(p, 'WRITE')] : list(p, 'WRITE'));
}

/** May `principal` do `permission` on an application with these permissions? Admins may do anything. */
export function hasApplicationPermission(principal: Principal, permissions: PermissionMap, permission: ApplicationPermission): boolean {
  if (principal.admin || !isRestricted(permissions)) return true;
  return intersects(principal.roles, applicationRoles(permissions, permission));
}

export function hasAccountPermission(principal: Principal, permissions: PermissionMap, permission: AccountPermission): boolean {
  if (principal.admin || !isRestricted(permissions)) return true;
  return intersects(principal.roles, accountRoles(permissions, permission));
}

/**
 * Manual judgment: with `requiredJudgmentRoles`, only a holder of one of them (or an admin) may judge.
 * Returns the roles that were needed when the principal may not judge, else null.
 */
export function missingJudgmentRoles(principal: Principal, context: Readonly<Record<string, unknown>>): string[] | null {
  const required = context['requiredJudgmentRoles'];
  if (!Array.isArray(required)) return null;
  const roles = required.filter((r): r is string => typeof r === 'string' && r !== '');
  if (roles.length === 0 || principal.admin || intersects(principal.roles, roles)) return null;
  return roles;
}

/**
 * May `principal` make triggers run as a service account with `serviceRoles`? Only when it holds
 * every one of them (or is an admin): running as a service account must not add roles.
 */
export function mayRunAs(principal: Principal, serviceRoles: readonly string[]): boolean {
  return principal.admin || serviceRoles.every((r) => principal.roles.includes(r));
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  return a.some((r) => b.includes(r));
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
