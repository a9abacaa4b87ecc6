import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A baked image: a content-addressed directory under GENNAKER_DATA_DIR/images/<id>. */
@Entity({ name: 'local_images' })
export class LocalImageEntity {
  /** sha256 of the packaged files and the manifest. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  account!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ type: 'text' })
  package!: string;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ type: 'text' })
  path!: string;

  /** argv of an instance, relative paths resolved inside the image. */
  @Column({ type: 'jsonb' })
  command!: string[];

  @Column({ type: 'jsonb' })
  env!: Record<string, string>;

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
