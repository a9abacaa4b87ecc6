import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A start that must happen once: `cron:<pipeline>:<trigger>:<tick ms>` or
 * `pipeline:<upstream execution>:<pipeline>:<trigger>`. Inserted in the transaction that records the
 * execution, so a redelivered tick or a second ExecutionFinished finds it and starts nothing.
 */
@Entity({ name: 'trigger_starts' })
@Index('ix_trigger_starts_created', ['createdAt'])
export class TriggerStartEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'execution_id', type: 'text', nullable: true })
  executionId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
