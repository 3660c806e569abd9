import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Cleansing: quarantine rows name their column and carry the Chinese reason; step metrics count flags
 * and fixes. Quarantine has no unique key: source references need not be unique (keys may repeat or be
 * empty), and exactly-once comes from writing each batch's entries in the batch's own transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('quarantine', (t) => {
    t.text('column_name').notNullable().defaultTo('');
    t.text('reason_zh').notNullable().defaultTo('');
    t.dropUnique(['run_id', 'step', 'source_ref', 'rule_id']);
    t.index(['run_id', 'step', 'source_ref']);
    t.index(['run_id', 'rule_id']);
  });
  await knex.schema.withSchema(S).alterTable('step_metrics', (t) => {
    t.bigInteger('records_flagged').notNullable().defaultTo(0);
    t.bigInteger('values_fixed').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('step_metrics', (t) => {
    t.dropColumn('records_flagged');
    t.dropColumn('values_fixed');
  });
  await knex.schema.withSchema(S).alterTable('quarantine', (t) => {
    t.dropIndex(['run_id', 'rule_id']);
    t.dropIndex(['run_id', 'step', 'source_ref']);
    t.unique(['run_id', 'step', 'source_ref', 'rule_id']);
    t.dropColumn('reason_zh');
    t.dropColumn('column_name');
  });
}
