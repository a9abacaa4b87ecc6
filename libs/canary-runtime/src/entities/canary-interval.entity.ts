import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One interval's judgment of a canary run. */
@Entity({ name: 'canary_intervals' })
export class CanaryIntervalEntity {
  @PrimaryColumn({ name: 'result_id', type: 'text' })
  resultId!: string;

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
