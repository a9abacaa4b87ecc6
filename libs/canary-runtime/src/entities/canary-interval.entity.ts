import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CanaryResultEntity } from './canary-result.entity';

/** One interval's judgment of a canary run. */
@Entity({ name: 'canary_intervals' })
export class CanaryIntervalEntity {
  @PrimaryColumn({ name: 'result_id', type: 'text' })
  resultId!: string;

  // Declared for the schema (the rows go with their run); never loaded.
  @ManyToOne(() => CanaryResultEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_canary_intervals_result' })
  result?: CanaryResultEntity;

  /** From 0. */
  @PrimaryColumn({ name: 'index', type: 'int' })
  index!: number;

  @Column({ name: 'start_time', type: 'timestamptz' })
  startTime!: Date;

  @Column({ name: 'end_time', type: 'timestamptz' })
  endTime!: Date;

  @Column({ name: 'judged_at', type: 'timestamptz' })
  judgedAt!: Date;

  @Column({ type: 'double precision' })
  score!: number;

  @Column({ type: 'text' })
  classification!: string;

  /** The judge's result: groups, and per metric its classification, statistics, values and queries. */
  @Column({ type: 'jsonb' })
  judgment!: Record<string, unknown>;
}
