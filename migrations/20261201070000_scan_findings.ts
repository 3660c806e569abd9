import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Security scans: each column a scan found holding unmasked personal data where it should not, per
 * run. Written per table as the scan goes, keyed so that a retried table writes its findings once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('scan_findings', (t) => {
    t.text('run_id').notNullable();
    t.text('connection').notNullable();
    /** `schema.table` on PostgreSQL, `database.table` on MySQL / MariaDB. */
    t.text('table_name').notNullable();
    t.text('column_name').notNullable();
    t.text('detected_type').notNullable();
    t.text('detected_level').notNullable();
    /** Non-empty sampled values that validated, out of `sampled`. */
    t.double('share').notNullable();
    t.integer('validated').notNullable();
    t.integer('sampled').notNullable();
    /** In the centre: how the catalogue classifies the column (null: the table is not catalogued). */
    t.text('classification');
    /** On a department connection: the level it may receive unmasked. */
    t.text('allowed_level');
    t.text('reason').notNullable();
    t.timestamp('found_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'connection', 'table_name', 'column_name']);
    t.index(['connection', 'table_name', 'column_name', 'found_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('scan_findings');
}
