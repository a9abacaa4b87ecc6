import type { DataSource, EntityManager } from 'typeorm';
import type { TokenKind } from './entities/api-token.entity';

export interface TokenRow {
  id: string;
  name: string;
  kind: TokenKind;
  roles: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

const COLUMNS = `id, name, kind, roles, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy", last_used_at AS "lastUsedAt"`;

/** Tokens by hash, one indexed read per request (no cache: a revocation counts from the next request). */
export class TokenRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(row: { id: string; name: string; kind: TokenKind; tokenHash: string; roles: string[]; createdBy: string; expiresAt: Date | null }): Promise<TokenRow> {
    const rows = (await this.ds.query(
      `INSERT INTO api_tokens (id, name, kind, token_hash, roles, created_by, expires_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ${COLUMNS}`,
      [row.id, row.name, row.kind, row.tokenHash, JSON.stringify(row.roles), row.createdBy, row.expiresAt],
    )) as TokenRow[];
    return rows[0] as TokenRow;
  }

  async byHash(tokenHash: string): Promise<TokenRow | null> {
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [tokenHash])) as TokenRow[];
    return rows[0] ?? null;
  }

  async byId(id: string): Promise<TokenRow | null> {
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM api_tokens WHERE id::text = $1`, [id])) as TokenRow[];
    return rows[0] ?? null;
  }

  /** The live service account of that name (not revoked, not expired). */
  async serviceAccount(name: string, manager?: EntityManager): Promise<TokenRow | null> {
    const rows = (await (manager ?? this.ds).query(
      `SELECT ${COLUMNS} FROM api_tokens WHERE kind = 'service' AND name = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [name],
    )) as TokenRow[];
    return rows[0] ?? null;
  }

  async list(options: { kinds: TokenKind[]; limit: number; before: { createdAt: Date; id: string } | null }): Promise<TokenRow[]> {
    const params: unknown[] = [options.kinds, options.limit + 1];
    let where = `kind = ANY($1)`;
    if (options.before) {
      params.push(options.before.createdAt, options.before.id);
      where += ` AND (created_at, id::text) < ($3, $4)`;
    }
    return (await this.ds.query(`SELECT ${COLUMNS} FROM api_tokens WHERE ${where} ORDER BY created_at DESC, id::text DESC LIMIT $2`, params)) as TokenRow[];
  }

  /** Marks a token revoked; false when it does not exist. Revoking twice keeps the first time. */
  async revoke(id: string, by: string): Promise<boolean> {
    const r = (await this.ds.query(`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2) WHERE id::text = $1 RETURNING id`, [id, by])) as [unknown[], number];
    return Array.isArray(r[0]) ? r[0].length > 0 : false;
  }

  /** Records use at most once a minute per token (a write per request would be wasteful). */
  async touch(id: string): Promise<void> {
    await this.ds.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}
