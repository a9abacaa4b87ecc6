import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One bake request and its outcome (bakes of the local provider finish within the call). */
@Entity({ name: 'local_bakes' })
@Index('ix_local_bakes_inputs_hash', ['inputsHash'])
export class LocalBakeEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'inputs_hash', type: 'text' })
  inputsHash!: string;

  @Column({ type: 'text' })
  account!: string;

  @Column({ type: 'text' })
  region!: string;

  /** completed | failed */
  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'image_id', type: 'text', nullable: true })
  imageId!: string | null;

  @Column({ type: 'boolean', default: false })
  reused!: boolean;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
