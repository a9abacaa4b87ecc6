import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One audited action. Rows are never changed or deleted (a database trigger refuses it). */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_app', ['application', 'id'])
@Index('ix_audit_events_actor', ['actor', 'id'])
@Index('ix_audit_events_action', ['action', 'id'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  time!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  application!: string | null;

  @Column({ name: 'resource_type', type: 'text' })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'text', nullable: true })
  resourceId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
