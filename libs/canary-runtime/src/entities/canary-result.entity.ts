import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type CanaryRunStatus = 'RUNNING' | 'SUCCEEDED' | 'TERMINAL' | 'CANCELED';

/** One canary run (a kayentaCanary stage): what it judged with and how it ended. */
@Entity({ name: 'canary_results' })
@Index('ix_canary_results_execution', ['executionId'])
@Index('ix_canary_results_application_created', ['application', 'createdAt'])
export class CanaryResultEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'execution_id', type: 'text', nullable: true })
  executionId!: string | null;

  @Column({ name: 'stage_id', type: 'text', nullable: true })
  stageId!: string | null;

  @Column({ type: 'text', nullable: true })
  application!: string | null;

  @Column({ name: 'config_id', type: 'text', nullable: true })
  configId!: string | null;

  @Column({ name: 'config_name', type: 'text' })
  configName!: string;

  /** The config as it was when the run started (later edits do not rewrite history). */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ type: 'text' })
  status!: CanaryRunStatus;

  /** Pass, Marginal, Fail or NoData once decided. */
  @Column({ type: 'text', nullable: true })
  classification!: string | null;

  /** The last interval's score (the one that decides). */
  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Analysis type, scopes, thresholds, planned windows, deployments: what the report shows beside the intervals. */
  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'start_time', type: 'timestamptz' })
  startTime!: Date;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
