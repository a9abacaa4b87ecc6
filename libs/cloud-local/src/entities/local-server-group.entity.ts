import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Capacity } from '@gennaker/cloud';

/**
 * A server group as asked for (desired state). Any process writes it; the local host (one worker)
 * makes the processes match it.
 */
@Entity({ name: 'local_server_groups' })
export class LocalServerGroupEntity {
  @PrimaryColumn({ type: 'text' })
  account!: string;

  @PrimaryColumn({ type: 'text' })
  region!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  application!: string;

  @Column({ type: 'text' })
  cluster!: string;

  @Column({ type: 'text', nullable: true })
  stack!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'int', nullable: true })
  sequence!: number | null;

  @Column({ name: 'image_id', type: 'text' })
  imageId!: string;

  @Column({ type: 'jsonb' })
  capacity!: Capacity;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'load_balancers', type: 'jsonb' })
  loadBalancers!: string[];

  @Column({ name: 'health_check_path', type: 'text' })
  healthCheckPath!: string;

  /** Seconds an instance may take to pass its first health check before it counts as down. */
  @Column({ name: 'grace_period_sec', type: 'int' })
  gracePeriodSec!: number;

  @Column({ type: 'jsonb' })
  env!: Record<string, string>;

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ name: 'launch_config', type: 'jsonb' })
  launchConfig!: Record<string, unknown>;

  /** active | destroying (the host stops its instances, then deletes the row). */
  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
