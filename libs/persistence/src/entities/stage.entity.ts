import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ExecutionEntity } from './execution.entity';

@Entity({ name: 'stages' })
@Index('ix_stages_execution', ['executionId', 'seq'])
export class StageEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'execution_id', type: 'text' })
  executionId!: string;

  @ManyToOne(() => ExecutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'execution_id', foreignKeyConstraintName: 'stages_execution_id_fkey' })
  execution?: ExecutionEntity;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'ref_id', type: 'text' })
  refId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'initial_context', type: 'jsonb' })
  initialContext!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  context!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  outputs!: Record<string, unknown>;

  @Column({ name: 'requisite_stage_ref_ids', type: 'jsonb' })
  requisiteStageRefIds!: string[];

  @Column({ name: 'parent_stage_id', type: 'text', nullable: true })
  parentStageId!: string | null;

  @Column({ name: 'synthetic_stage_owner', type: 'text', nullable: true })
  syntheticStageOwner!: string | null;

  @Column({ name: 'start_time', type: 'timestamptz', nullable: true })
  startTime!: Date | null;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ name: 'paused_ms', type: 'bigint', default: 0 })
  pausedMs!: string;

  @Column({ type: 'jsonb', nullable: true })
  error!: Record<string, unknown> | null;

  @Column({ name: 'failure_handled', type: 'boolean', default: false })
  failureHandled!: boolean;

  @Column({ name: 'last_modified', type: 'jsonb', nullable: true })
  lastModified!: Record<string, unknown> | null;
}
