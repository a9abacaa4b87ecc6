import { parseAllowlist, type AddressPolicy } from '@gennaker/auth-policy';

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Claim holding the user's groups, which become roles (GENNAKER_OIDC_GROUPS_CLAIM, default `groups`). */
  groupsClaim: string;
  scopes: string;
  /** The callback URL registered at the provider; derived from the request when unset. */
  redirectUri: string | null;
  /** Plain-http issuers (a provider on this machine in tests); never for a real provider. */
  allowHttp: boolean;
}

export interface AuthSettings {
  /** Whether every /api request needs a token (see docs/security.md for the default). */
  authRequired: boolean;
  adminToken: string | null;
  /** Roles that make a principal an admin (GENNAKER_ADMIN_ROLES, default `admin`). */
  adminRoles: string[];
  /** Lifetime of a UI session made by OIDC sign-in. */
  sessionTtlMs: number;
  /** Origins the browser may call the API from (CORS), and where sign-in sends the user back. */
  webOrigins: string[];
  oidc: OidcSettings | null;
  webhookUrls: AddressPolicy;
}

function flag(v: string | undefined): boolean | null {
  if (v === undefined || v === '') return null;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`expected true or false, got "${v}"`);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`setting ${name} must be a positive number, got "${raw}"`);
  return n;
}

/**
 * Security settings from the environment. Open by default (a local install, as Spinnaker without
 * Fiat); closed by GENNAKER_AUTH_REQUIRED=true, and by setting GENNAKER_ADMIN_TOKEN unless
 * GENNAKER_AUTH_REQUIRED=false says otherwise.
 */
export function readAuthSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const adminToken = env['GENNAKER_ADMIN_TOKEN'] || null;
  if (adminToken !== null && adminToken.length < 12) throw new Error('GENNAKER_ADMIN_TOKEN must be at least 12 characters (e.g. gk_$(openssl rand -hex 24))');
  let required: boolean | null;
  try {
    required = flag(env['GENNAKER_AUTH_REQUIRED']);
  } catch (err) {
    throw new Error(`GENNAKER_AUTH_REQUIRED: ${(err as Error).message}`);
  }
  const webPort = env['GENNAKER_WEB_PORT'] || '9000';
  const origins = (env['GENNAKER_WEB_ORIGIN'] || `http://127.0.0.1:${webPort},http://localhost:${webPort}`)
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  for (const o of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new Error(`GENNAKER_WEB_ORIGIN: "${o}" is not an origin (scheme://host[:port])`);
  }
  const issuer = env['GENNAKER_OIDC_ISSUER'] || null;
  let oidc: OidcSettings | null = null;
  if (issuer) {
    const clientId = env['GENNAKER_OIDC_CLIENT_ID'] || '';
    const clientSecret = env['GENNAKER_OIDC_CLIENT_SECRET'] || '';
    if (clientId === '' || clientSecret === '') throw new Error('GENNAKER_OIDC_ISSUER needs GENNAKER_OIDC_CLIENT_ID and GENNAKER_OIDC_CLIENT_SECRET');
    oidc = {
      issuer,
      clientId,
      clientSecret,
      groupsClaim: env['GENNAKER_OIDC_GROUPS_CLAIM'] || 'groups',
      scopes: env['GENNAKER_OIDC_SCOPES'] || 'openid profile email',
      redirectUri: env['GENNAKER_OIDC_REDIRECT_URI'] || null,
      allowHttp: flag(env['GENNAKER_OIDC_ALLOW_HTTP']) ?? false,
    };
  }
  return {
    authRequired: required ?? adminToken !== null,
    adminToken,
    adminRoles: (env['GENNAKER_ADMIN_ROLES'] || 'admin').split(',').map((r) => r.trim()).filter((r) => r !== ''),
    sessionTtlMs: positive(env, 'GENNAKER_SESSION_TTL_HOURS', 12) * 3_600_000,
    webOrigins: origins,
    oidc,
    webhookUrls: { allow: parseAllowlist(env['GENNAKER_WEBHOOK_ALLOWED_HOSTS']), refusePrivate: flag(env['GENNAKER_WEBHOOK_REFUSE_PRIVATE']) ?? false },
  };
}
