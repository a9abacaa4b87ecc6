import { ROLE_NAME } from './principal';

/**
 * Roles of an OIDC user from its groups claim: a list of strings, or one string of comma- or
 * space-separated names. A dotted claim name reads a nested claim (`realm_access.roles`, Keycloak).
 * Names that are not valid role names are dropped.
 */
export function rolesFromClaims(claims: Readonly<Record<string, unknown>>, claimName: string): string[] {
  let v: unknown = claims[claimName];
  if (v === undefined && claimName.includes('.')) {
    v = claimName.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined), claims);
  }
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/) : [];
  const roles = raw.filter((r): r is string => typeof r === 'string').map((r) => r.trim()).filter((r) => ROLE_NAME.test(r));
  return [...new Set(roles)];
}

/** The user name of an OIDC user: preferred_username, else email, else the subject. */
export function userNameFromClaims(claims: Readonly<Record<string, unknown>>): string {
  for (const k of ['preferred_username', 'email', 'sub']) {
    const v = claims[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return 'oidc-user';
}
