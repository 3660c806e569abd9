import type { Knex } from 'knex';

const S = 'dataops';

/** Cleansing: quarantine rows name their column and carry the Chinese reason; step metrics count flags and fixes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('quarantine', (t) => {
    t.text('column_name').notNullable().defaultTo('');
    t.text('reason_zh').notNullable().defaultTo('');
    t.dropUnique(['run_id', 'step', 'source_ref', 'rule_id']);
    t.unique(['run_id', 'step', 'source_ref', 'rule_id', 'column_name']);
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
    t.dropUnique(['run_id', 'step', 'source_ref', 'rule_id', 'column_name']);
    t.unique(['run_id', 'step', 'source_ref', 'rule_id']);
    t.dropColumn('reason_zh');
    t.dropColumn('column_name');
  });
}
