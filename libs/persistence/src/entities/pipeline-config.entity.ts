import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'pipeline_configs' })
@Index('ux_pipeline_configs_app_name', ['application', 'name'], { unique: true })
export class PipelineConfigEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  application!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Incremented on every change; updates must name the version they were based on. */
  @Column({ type: 'integer' })
  version!: number;

  /** The whole pipeline document in Spinnaker's JSON shape. */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Set when a Git repository owns this pipeline: API writes are refused. */
  @Column({ name: 'managed_by', type: 'jsonb', nullable: true })
  managedBy!: { url: string; branch: string; path: string; file: string } | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;
}
