import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'executions' })
@Index('ix_executions_config_status', ['pipelineConfigId', 'status'])
@Index('ix_executions_app_build', ['application', 'buildTime'])
@Index('ix_executions_status', ['status'])
@Index('ix_executions_parent', ['parentExecutionId'])
export class ExecutionEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  application!: string;

  @Column({ name: 'pipeline_config_id', type: 'text', nullable: true })
  pipelineConfigId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'jsonb' })
  trigger!: Record<string, unknown>;

  @Column({ name: 'build_time', type: 'timestamptz' })
  buildTime!: Date;

  @Column({ name: 'start_time', type: 'timestamptz', nullable: true })
  startTime!: Date | null;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ type: 'boolean', default: false })
  canceled!: boolean;

  @Column({ name: 'canceled_by', type: 'text', nullable: true })
  canceledBy!: string | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  paused!: Record<string, unknown> | null;

  @Column({ name: 'limit_concurrent', type: 'boolean' })
  limitConcurrent!: boolean;

  @Column({ name: 'max_concurrent_executions', type: 'integer' })
  maxConcurrentExecutions!: number;

  @Column({ name: 'keep_waiting_pipelines', type: 'boolean' })
  keepWaitingPipelines!: boolean;

  @Column({ name: 'parent_execution_id', type: 'text', nullable: true })
  parentExecutionId!: string | null;

  @Column({ name: 'parent_stage_id', type: 'text', nullable: true })
  parentStageId!: string | null;

  @Column({ type: 'jsonb' })
  spec!: Record<string, unknown>;

  /** Bumped by every change of the execution, its stages or tasks. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
