import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ROLE_NAME, withAdmin, type Principal } from '@gennaker/auth-policy';
import { TokenRepository, type TokenKind, type TokenRow } from '@gennaker/auth-store';
import { ConflictError, InputError, isPlainObject, NotFoundError, type ErrorDetail } from '@gennaker/common';
import { DATA_SOURCE } from '@gennaker/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';

export const TOKEN_PREFIX = 'gk_';

/** SHA-256 is enough for 256-bit random tokens: nothing to brute-force, and it is one indexed read. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export interface TokenView {
  id: string;
  name: string;
  kind: TokenKind;
  roles: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

export type Authentication = { ok: true; principal: Principal; tokenId: string | null } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function tokenView(r: TokenRow): TokenView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    roles: r.roles,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    revokedBy: r.revokedBy,
    lastUsedAt: iso(r.lastUsedAt),
  };
}

/**
 * API tokens, UI sessions and service accounts. A token is shown once, at creation; only its hash
 * is stored. Every request reads the token's row, so a revocation is refused from the next request
 * on, in every api process.
 */
@Injectable()
export class TokenService {
  private readonly log = new Logger(TokenService.name);
  private readonly repo: TokenRepository;

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {
    this.repo = new TokenRepository(ds);
  }

  /**
   * `adminToken: false` skips the bootstrap admin token (while an address is guessing tokens: issued
   * tokens are 256-bit random and not worth guessing, the admin token may be weaker).
   */
  async authenticate(token: string, options: { adminToken: boolean } = { adminToken: true }): Promise<Authentication> {
    const admin = this.settings.adminToken;
    if (options.adminToken && admin !== null && safeEqual(token, admin)) return { ok: true, tokenId: null, principal: { name: 'admin', roles: [...this.settings.adminRoles.slice(0, 1)], admin: true, kind: 'admin-token' } };
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: 'unknown' };
    const row = await this.repo.byHash(hashToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (row.expiresAt !== null && new Date(row.expiresAt).getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    // Last use is recorded at most once a minute per token: no write on most requests.
    if (row.lastUsedAt === null || Date.now() - new Date(row.lastUsedAt).getTime() > 60_000) {
      this.repo.touch(row.id).catch((err: unknown) => this.log.warn(`could not record the use of token ${row.id}: ${(err as Error).message}`));
    }
    const kind = row.kind === 'session' ? 'session' : row.kind === 'service' ? 'service' : 'token';
    return { ok: true, tokenId: row.id, principal: withAdmin({ name: row.name, roles: row.roles, kind }, this.settings.adminRoles) };
  }

  /** Validates `{name, roles, expiresAt?, serviceAccount?}` (pointers for each bad field). */
  parseRequest(body: unknown): { name: string; roles: string[]; expiresAt: Date | null; kind: TokenKind } {
    if (!isPlainObject(body)) throw new InputError('the body must be a JSON object {name, roles, expiresAt?}', [{ pointer: '', message: 'must be an object' }]);
    const errors: ErrorDetail[] = [];
    const { name, roles, expiresAt, serviceAccount } = body;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._@:/-]{0,99}$/.test(name)) errors.push({ pointer: '/name', message: 'required: 1-100 letters, digits, spaces and . _ @ : / -' });
    if (!Array.isArray(roles)) errors.push({ pointer: '/roles', message: 'required: a list of role names (may be empty)' });
    else roles.forEach((r, i) => {
      if (typeof r !== 'string' || !ROLE_NAME.test(r)) errors.push({ pointer: `/roles/${i}`, message: 'must be a role name: letters, digits and . _ @ : / - (at most 128)' });
    });
    let expires: Date | null = null;
    if (expiresAt !== undefined && expiresAt !== null) {
      const t = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
      if (!Number.isFinite(t)) errors.push({ pointer: '/expiresAt', message: 'must be an ISO-8601 date-time' });
      else if (t <= Date.now()) errors.push({ pointer: '/expiresAt', message: 'must be in the future' });
      else expires = new Date(t);
    }
    if (serviceAccount !== undefined && typeof serviceAccount !== 'boolean') errors.push({ pointer: '/serviceAccount', message: 'must be true or false' });
    for (const k of Object.keys(body)) if (!['name', 'roles', 'expiresAt', 'serviceAccount'].includes(k)) errors.push({ pointer: `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'unknown field' });
    if (errors.length > 0) throw new InputError('invalid token request', errors);
    return { name: name as string, roles: [...new Set(roles as string[])], expiresAt: expires, kind: serviceAccount === true ? 'service' : 'token' };
  }

  async create(request: { name: string; roles: string[]; expiresAt: Date | null; kind: TokenKind }, createdBy: string): Promise<{ token: string; view: TokenView }> {
    if (request.kind === 'service' && (await this.repo.serviceAccount(request.name))) {
      throw new ConflictError(`a service account named "${request.name}" exists; revoke it first`, [{ pointer: '/name', message: 'already a service account' }]);
    }
    const token = newToken();
    try {
      const row = await this.repo.insert({ id: randomUUID(), name: request.name, kind: request.kind, tokenHash: hashToken(token), roles: request.roles, createdBy, expiresAt: request.expiresAt });
      return { token, view: tokenView(row) };
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError(`a service account named "${request.name}" exists; revoke it first`, [{ pointer: '/name', message: 'already a service account' }]);
      throw err;
    }
  }

  /** A UI session for an OIDC user: a token like any other, of kind `session`, expiring. */
  async createSession(name: string, roles: string[]): Promise<string> {
    const token = newToken();
    await this.repo.insert({ id: randomUUID(), name, kind: 'session', tokenHash: hashToken(token), roles, createdBy: 'oidc', expiresAt: new Date(Date.now() + this.settings.sessionTtlMs) });
    return token;
  }

  async list(options: { limit: number; cursor: string | null; includeSessions: boolean }): Promise<{ items: TokenView[]; nextCursor: string | null }> {
    let before: { createdAt: Date; id: string } | null = null;
    if (options.cursor !== null) {
      try {
        const [t, id] = JSON.parse(Buffer.from(options.cursor, 'base64url').toString('utf8')) as [string, string];
        if (typeof t !== 'string' || typeof id !== 'string' || !Number.isFinite(Date.parse(t))) throw new Error('bad');
        before = { createdAt: new Date(t), id };
      } catch {
        throw new InputError('cursor is not one this API gave out', [{ pointer: '/cursor', message: 'invalid cursor' }]);
      }
    }
    const rows = await this.repo.list({ kinds: options.includeSessions ? ['token', 'service', 'session'] : ['token', 'service'], limit: options.limit, before });
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > options.limit && last ? Buffer.from(JSON.stringify([new Date(last.createdAt).toISOString(), last.id])).toString('base64url') : null;
    return { items: page.map(tokenView), nextCursor };
  }

  async get(id: string): Promise<TokenView> {
    const row = await this.repo.byId(id);
    if (!row) throw new NotFoundError(`token ${id} not found`);
    return tokenView(row);
  }

  async revoke(id: string, by: string): Promise<TokenView> {
    if (!(await this.repo.revoke(id, by))) throw new NotFoundError(`token ${id} not found`);
    return this.get(id);
  }

  /** The roles of a live service account (what a trigger with `runAsUser` runs with), or null. */
  async serviceAccount(name: string, manager?: EntityManager): Promise<Principal | null> {
    const row = await this.repo.serviceAccount(name, manager);
    return row ? withAdmin({ name: row.name, roles: row.roles, kind: 'service' }, this.settings.adminRoles) : null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
