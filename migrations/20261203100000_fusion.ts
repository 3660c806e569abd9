import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Fusion bookkeeping: per job its entity id counter; which entity each source record belongs to (the
 * memory that keeps ids stable across runs); the matched pairs that hold each entity together, with their
 * explanation; entity events (new, merge, split, retire); and the review queue (near-miss pairs and
 * field conflicts) with reviewers' decisions, which later runs apply.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('fusion_jobs', (t) => {
    t.text('job').primary();
    t.text('entity').notNullable();
    t.text('target_table').notNullable();
    /** Golden field → its kind (citizenId, mobile, ...): how the CLI masks and checks values. */
    t.jsonb('fields');
    t.bigInteger('next_seq').notNullable().defaultTo(1);
    t.text('last_run_id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.withSchema(S).createTable('fusion_members', (t) => {
    t.text('job').notNullable();
    t.text('source').notNullable();
    t.text('record_id').notNullable();
    t.text('entity_id').notNullable();
    /** Digest of the record's governed values when it was last fused. */
    t.text('digest').notNullable();
    t.text('run_id').notNullable();
    t.primary(['job', 'source', 'record_id']);
    t.index(['job', 'entity_id']);
  });
  await knex.schema.withSchema(S).createTable('fusion_links', (t) => {
    t.text('job').notNullable();
    t.text('entity_id').notNullable();
    t.text('left_ref').notNullable();
    t.text('right_ref').notNullable();
    t.double('score').notNullable();
    /** Field → [agreement level, weight]. */
    t.jsonb('explanation').notNullable();
    t.text('run_id').notNullable();
    // No key of its own: a run replaces the links of the entities it writes, in its publishing transaction.
    t.index(['job', 'entity_id']);
  });
  await knex.schema.withSchema(S).createTable('fusion_events', (t) => {
    t.bigIncrements('id');
    t.text('job').notNullable();
    t.text('run_id').notNullable();
    t.text('event').notNullable();
    t.text('entity_id').notNullable();
    t.jsonb('detail');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['job', 'entity_id']);
    t.index(['run_id']);
  });
  await knex.schema.withSchema(S).createTable('fusion_reviews', (t) => {
    t.bigIncrements('id');
    t.text('job').notNullable();
    t.text('run_id').notNullable();
    /** `match`: two records that may be one entity; `conflict`: an entity's records disagree on a field. */
    t.text('kind').notNullable();
    t.text('entity_id').notNullable();
    t.text('other_entity_id');
    t.text('field');
    t.text('left_ref');
    t.text('right_ref');
    t.double('score');
    t.jsonb('detail').notNullable();
    /** pending, accepted, rejected; or superseded when a later run no longer raises it. */
    t.text('status').notNullable().defaultTo('pending');
    t.jsonb('decision');
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['job', 'status']);
  });
  // One open question per pair or per entity field: a re-run refreshes it instead of asking twice.
  await knex.raw(
    `CREATE UNIQUE INDEX fusion_reviews_open ON ${S}.fusion_reviews (job, kind, entity_id, coalesce(other_entity_id, ''), coalesce(field, '')) WHERE status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['fusion_reviews', 'fusion_events', 'fusion_links', 'fusion_members', 'fusion_jobs']) {
    await knex.schema.withSchema(S).dropTableIfExists(table);
  }
}
