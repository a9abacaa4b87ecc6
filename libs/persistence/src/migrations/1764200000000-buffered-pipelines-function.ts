import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The end of a run asks, under the locks of its pipelines, which of them have a waiting (BUFFERED)
 * run. As a function it does so inside the statement that stores the step: the locks are taken
 * first (in the order given), then a query of its own reads with a snapshot taken after them
 * (a VOLATILE function's queries each take a fresh one), so a start that decided to wait and
 * committed while this waited for the lock is seen. Two round trips fewer for every run that ends.
 */
export class BufferedPipelinesFunction1764200000000 implements MigrationInterface {
  name = 'BufferedPipelinesFunction1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION gennaker_buffered_pipelines(ids text[]) RETURNS SETOF text
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        -- Called by every step's statement: most have no ended run to check.
        IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('pipeline:' || c)) FROM unnest(ids) WITH ORDINALITY AS u(c, n) ORDER BY n;
        RETURN QUERY SELECT DISTINCT e.pipeline_config_id FROM executions e WHERE e.pipeline_config_id = ANY(ids) AND e.status = 'BUFFERED';
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS gennaker_buffered_pipelines(text[])`);
  }
}
