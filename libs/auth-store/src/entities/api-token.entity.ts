import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type TokenKind = 'token' | 'service' | 'session';

/** An API token, a UI session (OIDC) or a service account: only the SHA-256 of the token is kept. */
@Entity({ name: 'api_tokens' })
@Index('ux_api_tokens_hash', ['tokenHash'], { unique: true })
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: TokenKind;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  roles!: string[];

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy!: string | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
