import type { Knex } from 'knex';

const S = 'dataops';

/** Scheduled and pipeline runs: the time a run is for (its logical date), the pipeline run it is a step of, and warnings (gates that missed with onFail: warn). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('runs', (t) => {
    t.timestamp('logical_date', { useTz: true });
    t.text('parent_run_id').index();
    t.jsonb('warnings');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).alterTable('runs', (t) => {
    t.dropColumn('warnings');
    t.dropColumn('parent_run_id');
    t.dropColumn('logical_date');
  });
}
