import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Incremental syncs: one watermark per dataset, the (cursor, key) of the last row its last published
 * run read, written in the transaction that publishes those rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('watermarks', (t) => {
    t.text('dataset').primary();
    t.text('cursor_column').notNullable();
    t.text('key_column').notNullable();
    t.text('last_cursor').notNullable();
    t.text('last_key').notNullable();
    t.text('run_id').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('watermarks');
}
