/** Who is calling: a token's owner, an OIDC user, a service account, the bootstrap admin or anonymous. */
export interface Principal {
  name: string;
  roles: string[];
  admin: boolean;
  /** How the principal signed in (tokens, OIDC sessions, service accounts run by triggers). */
  kind?: PrincipalKind;
}

export type PrincipalKind = 'admin-token' | 'token' | 'session' | 'service' | 'anonymous';

/** A caller without a token while authentication is not required: no roles, not an admin. */
export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', roles: [], admin: false, kind: 'anonymous' }) as Principal;

/** Role names: what a groups claim or a token may carry. */
export const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,127}$/;

/** A principal is an admin when any of its roles is one of the admin roles. */
export function withAdmin(p: Omit<Principal, 'admin'>, adminRoles: readonly string[]): Principal {
  return { ...p, admin: p.roles.some((r) => adminRoles.includes(r)) };
}
