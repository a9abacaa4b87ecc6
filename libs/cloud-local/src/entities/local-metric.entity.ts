import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Requests through a load balancer to one server group in one second. */
@Entity({ name: 'local_metrics' })
export class LocalMetricEntity {
  @PrimaryColumn({ type: 'text' })
  account!: string;

  @PrimaryColumn({ type: 'text' })
  region!: string;

  /** The server group, or `lb:<name>` for requests the balancer could not place. */
  @PrimaryColumn({ name: 'server_group', type: 'text' })
  serverGroup!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  bucket!: Date;

  @Column({ type: 'int' })
  requests!: number;

  @Column({ type: 'int' })
  errors!: number;

  @Column({ name: 'latency_sum_ms', type: 'double precision' })
  latencySumMs!: number;

  /** Counts per latency bucket (bounds in histogram.util.ts). */
  @Column({ name: 'latency_counts', type: 'int', array: true })
  latencyCounts!: number[];
}
