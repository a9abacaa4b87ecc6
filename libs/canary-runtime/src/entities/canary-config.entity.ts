import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A canary config in Kayenta's shape, by id; names are unique (Kayenta's rule per storage account). */
@Entity({ name: 'canary_configs' })
@Index('uq_canary_configs_name', ['name'], { unique: true })
export class CanaryConfigEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The config's `applications`, kept apart to filter lists. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  applications!: string[];

  /** The config as stored (without id and timestamps, which live in their columns). */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;
}
