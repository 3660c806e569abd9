import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Field-trial fixes. Quarantine entries carry the row ref they had in staging and, for duplicates, the
 * ref and source reference of the record that was kept. Catalogue columns keep the header a column
 * was read as (its label) when the published name differs. The dedup index of a running cleanse is
 * kept as per-batch change records beside its checkpoint instead of inside it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('quarantine', (t) => {
    t.bigInteger('row_ref');
    t.bigInteger('kept_ref');
    t.text('duplicate_of');
  });
  await knex.schema.withSchema(S).alterTable('catalogue_columns', (t) => {
    t.text('label');
  });
  await knex.schema.withSchema(S).alterTable('catalogue_resources', (t) => {
    t.index(['table_ref']);
  });
  await knex.schema.withSchema(S).alterTable('runs', (t) => {
    t.index(['status', 'started_at']);
  });
  await knex.schema.withSchema(S).createTable('dedup_log', (t) => {
    t.text('run_id').notNullable();
    t.text('step').notNullable();
    t.integer('batch').notNullable();
    t.binary('entries').notNullable();
    t.primary(['run_id', 'step', 'batch']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('dedup_log');
  await knex.schema.withSchema(S).alterTable('runs', (t) => {
    t.dropIndex(['status', 'started_at']);
  });
  await knex.schema.withSchema(S).alterTable('catalogue_resources', (t) => {
    t.dropIndex(['table_ref']);
  });
  await knex.schema.withSchema(S).alterTable('catalogue_columns', (t) => {
    t.dropColumn('label');
  });
  await knex.schema.withSchema(S).alterTable('quarantine', (t) => {
    t.dropColumn('duplicate_of');
    t.dropColumn('kept_ref');
    t.dropColumn('row_ref');
  });
}
