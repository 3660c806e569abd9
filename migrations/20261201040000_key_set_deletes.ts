import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Deletes by key-set comparison: when a dataset's merge last compared its keys with the source's,
 * as the logical date of the run that did (a schedule's runs are then exactly `every` apart), written
 * in the transaction that deleted the rows whose keys were gone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('watermarks', (t) => {
    t.timestamp('keys_compared_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('watermarks', (t) => {
    t.dropColumn('keys_compared_at');
  });
}
