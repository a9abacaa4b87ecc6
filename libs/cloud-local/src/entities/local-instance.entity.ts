import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One supervised process of a server group, as the local host last saw it. */
@Entity({ name: 'local_instances' })
@Index('ix_local_instances_group', ['account', 'region', 'serverGroup'])
export class LocalInstanceEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  account!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'server_group', type: 'text' })
  serverGroup!: string;

  @Column({ type: 'int' })
  port!: number;

  /** Process (and process group) id; null before it started or while it waits to restart. */
  @Column({ type: 'int', nullable: true })
  pid!: number | null;

  /** The process's start time in the kernel, so a recycled pid is never taken for it. */
  @Column({ name: 'start_token', type: 'text', nullable: true })
  startToken!: string | null;

  /** starting | up | down | crashed | stopping */
  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'health_reason', type: 'text', nullable: true })
  healthReason!: string | null;

  @Column({ type: 'int', default: 0 })
  restarts!: number;

  @Column({ name: 'next_start_at', type: 'timestamptz', nullable: true })
  nextStartAt!: Date | null;

  @Column({ name: 'launched_at', type: 'timestamptz' })
  launchedAt!: Date;

  /** When the current process started (restarts included). */
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'last_exit', type: 'jsonb', nullable: true })
  lastExit!: { code: number | null; signal: string | null; at: string } | null;

  @Column({ name: 'log_path', type: 'text' })
  logPath!: string;
}
