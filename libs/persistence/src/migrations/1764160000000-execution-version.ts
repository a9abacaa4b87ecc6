import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row version bumped by every change of an execution (its stages and tasks included), so a
 * handler that read the execution before taking its lock can reuse what it read when nothing
 * changed in between, instead of reading it again.
 */
export class ExecutionVersion1764160000000 implements MigrationInterface {
  name = 'ExecutionVersion1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions ADD COLUMN version integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions DROP COLUMN version`);
  }
}
