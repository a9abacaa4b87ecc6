import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'pipeline_config_revisions' })
@Index('ux_pipeline_revisions_pipeline_version', ['pipelineId', 'version'], { unique: true })
export class PipelineRevisionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'pipeline_id', type: 'text' })
  pipelineId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  action!: 'create' | 'update' | 'delete' | 'restore' | 'sync';

  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  author!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
