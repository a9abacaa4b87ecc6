import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who is changing a cluster (`account/region/cluster`), until when. */
@Entity({ name: 'cluster_locks' })
export class ClusterLockEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** The execution holding it. */
  @Column({ type: 'text' })
  owner!: string;

  @Column({ name: 'acquired_at', type: 'timestamptz' })
  acquiredAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
