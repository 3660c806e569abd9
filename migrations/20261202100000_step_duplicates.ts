import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Streams: step metrics count the duplicates a step absorbed, next to what it read and wrote. A
 * stream output counts the re-sends (after a crash) that the broker dropped by message id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('step_metrics', (t) => {
    t.bigInteger('records_duplicate').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('step_metrics', (t) => {
    t.dropColumn('records_duplicate');
  });
}
