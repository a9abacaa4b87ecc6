import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { StageEntity } from './stage.entity';

@Entity({ name: 'tasks' })
@Index('ix_tasks_execution', ['executionId'])
@Index('ix_tasks_stage', ['stageId', 'seq'])
export class TaskEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'stage_id', type: 'text' })
  stageId!: string;

  @ManyToOne(() => StageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'stage_id', foreignKeyConstraintName: 'tasks_stage_id_fkey' })
  stage?: StageEntity;

  @Column({ name: 'execution_id', type: 'text' })
  executionId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'start_time', type: 'timestamptz', nullable: true })
  startTime!: Date | null;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'paused_ms', type: 'bigint', default: 0 })
  pausedMs!: string;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
