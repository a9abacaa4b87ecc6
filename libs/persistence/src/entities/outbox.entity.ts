import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Engine messages not yet handled. A row is written in the same transaction as the state change
 * that produced it and deleted in the same transaction as the state change that handles it, so a
 * message is never lost and never applied twice, whatever happens to Redis.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_execution', ['executionId'])
@Index('ix_outbox_deliver', ['deliverAt'])
export class OutboxEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'execution_id', type: 'text', nullable: true })
  executionId!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  queue!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'deliver_at', type: 'timestamptz' })
  deliverAt!: Date;

  /** When it was handed to BullMQ; null rows are picked up by the relay. */
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey!: string | null;

  /** Set when a later send asked for this message sooner while it was being handled. */
  @Column({ type: 'boolean', default: false })
  woken!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
