import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A cluster's HTTP load balancer: where it listens, and the canary weights if any. */
@Entity({ name: 'local_load_balancers' })
@Unique('ux_local_load_balancers_port', ['port'])
export class LocalLoadBalancerEntity {
  @PrimaryColumn({ type: 'text' })
  account!: string;

  @PrimaryColumn({ type: 'text' })
  region!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  application!: string;

  @Column({ type: 'int' })
  port!: number;

  /** server group -> weight; empty: split by healthy instances. */
  @Column({ type: 'jsonb' })
  weights!: Record<string, number>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
