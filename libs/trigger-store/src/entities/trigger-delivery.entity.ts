import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface DeliveryStart {
  pipelineId: string;
  application: string;
  pipeline: string;
  triggerIndex: number;
  executionId: string;
}

export interface DeliverySkip {
  pipelineId: string;
  application: string;
  pipeline: string;
  triggerIndex: number;
  reason: string;
}

export interface DeliverySync {
  application: string;
  url: string;
  branch: string;
  path: string;
  status: 'pending' | 'applied' | 'failed';
  commit?: string | null;
  created?: string[];
  updated?: string[];
  deleted?: string[];
  unchanged?: number;
  errors?: Array<{ file: string; pointer: string; message: string }>;
  message?: string;
  finishedAt?: string;
}

/** One webhook delivery (or one sync request) and what came of it: the trigger debugger's record. */
@Entity({ name: 'trigger_deliveries' })
@Index('ux_trigger_deliveries_provider_delivery', ['provider', 'deliveryId'], { unique: true, where: 'accepted' })
@Index('ix_trigger_deliveries_received', ['receivedAt'])
@Index('ix_trigger_deliveries_applications', ['applications'])
export class TriggerDeliveryEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** github, gitlab, bitbucket; `api` for a sync asked through the API or CLI. */
  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'delivery_id', type: 'text' })
  deliveryId!: string;

  /** Authenticated (or needing no secret) and recorded: replays of it start nothing. */
  @Column({ type: 'boolean' })
  accepted!: boolean;

  /** valid, invalid, missing, or not-required. */
  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'text', nullable: true })
  event!: string | null;

  @Column({ type: 'text', nullable: true })
  repository!: string | null;

  @Column({ type: 'text', nullable: true })
  branch!: string | null;

  @Column({ type: 'text', nullable: true })
  hash!: string | null;

  /** Applications concerned (started, skipped or synced), for `?application=`. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  applications!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  started!: DeliveryStart[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  skipped!: DeliverySkip[];

  @Column({ type: 'jsonb', nullable: true })
  sync!: DeliverySync | null;

  /** Why nothing was considered (an ignored event, a bad signature...). */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
