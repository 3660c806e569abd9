import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Tags given by tagging jobs. A row is one period during which a tag held for an entity: opened by the
 * run that found it true (with the rule's version and the values that made it true), closed
 * (valid_to) by the run that no longer did. Rows are never deleted; at most one open row per job, tag
 * and entity. tag_runs keeps each run's counts per tag: what the run added, removed and left current.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('tags', (t) => {
    t.bigIncrements('id');
    t.text('job').notNullable();
    t.text('tag').notNullable();
    t.text('entity_type').notNullable();
    t.text('entity_table').notNullable();
    t.text('entity_id').notNullable();
    t.timestamp('valid_from', { useTz: true }).notNullable();
    t.timestamp('valid_to', { useTz: true });
    /** `rule:<tag>` or `list:<tag>`. */
    t.text('rule_id').notNullable();
    /** Hash of the rule text and the definitions of the fields it reads, or of the list's entries. */
    t.text('rule_version').notNullable();
    t.jsonb('evidence').notNullable();
    t.text('run_id').notNullable();
    t.text('closed_by_run_id');
    t.index(['entity_id']);
    t.index(['job', 'tag', 'valid_to']);
  });
  await knex.raw(`CREATE UNIQUE INDEX tags_one_open_row ON ${S}.tags (job, tag, entity_id) WHERE valid_to IS NULL`);
  await knex.schema.withSchema(S).createTable('tag_runs', (t) => {
    t.text('run_id').notNullable();
    t.text('job').notNullable();
    t.text('tag').notNullable();
    t.text('rule_version').notNullable();
    t.bigInteger('evaluated').notNullable();
    t.bigInteger('added').notNullable();
    t.bigInteger('removed').notNullable();
    t.bigInteger('current').notNullable();
    /** Entities a rule could not decide: a field it reads was empty, or it failed on their values. */
    t.bigInteger('unknown').notNullable().defaultTo(0);
    t.bigInteger('errors').notNullable().defaultTo(0);
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'tag']);
    t.index(['job', 'tag']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('tag_runs');
  await knex.schema.withSchema(S).dropTableIfExists('tags');
}
