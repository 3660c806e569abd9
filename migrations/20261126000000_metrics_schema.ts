import type { Knex } from 'knex';

const S = 'dataops';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('runs', (t) => {
    t.text('run_id').primary();
    t.text('job').notNullable().index();
    t.text('kind').notNullable();
    t.text('dataset').notNullable().index();
    t.text('department').notNullable().index();
    t.text('workflow_id').notNullable();
    t.text('temporal_run_id');
    t.text('status').notNullable().defaultTo('running').index();
    t.jsonb('spec').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
    t.bigInteger('records_in');
    t.bigInteger('records_out');
    t.bigInteger('records_rejected');
    t.double('accuracy');
    t.text('error');
  });

  await knex.schema.withSchema(S).createTable('step_metrics', (t) => {
    t.text('run_id').notNullable().references('run_id').inTable(`${S}.runs`).onDelete('CASCADE');
    t.text('step').notNullable();
    t.integer('attempt').notNullable();
    t.bigInteger('records_in').notNullable();
    t.bigInteger('records_out').notNullable();
    t.bigInteger('records_rejected').notNullable();
    t.bigInteger('bytes').notNullable();
    t.bigInteger('duration_ms').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One row per step: a retried activity can never count its records twice.
    t.primary(['run_id', 'step']);
  });

  await knex.schema.withSchema(S).createTable('quality_indicators', (t) => {
    t.text('run_id').notNullable().references('run_id').inTable(`${S}.runs`).onDelete('CASCADE');
    t.text('step').notNullable();
    t.text('table_name').notNullable();
    t.text('column_name').notNullable().defaultTo('');
    t.text('indicator').notNullable();
    t.text('parent');
    t.double('a').notNullable();
    t.double('b').notNullable();
    t.double('value');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'step', 'table_name', 'column_name', 'indicator']);
    t.index(['table_name', 'indicator']);
  });

  await knex.schema.withSchema(S).createTable('quarantine', (t) => {
    t.bigIncrements('id');
    t.text('run_id').notNullable().references('run_id').inTable(`${S}.runs`).onDelete('CASCADE');
    t.text('step').notNullable();
    t.text('source_ref').notNullable();
    t.text('rule_id').notNullable();
    t.text('severity').notNullable();
    t.text('reason').notNullable();
    t.jsonb('record').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['run_id', 'step', 'source_ref', 'rule_id']);
  });

  await knex.schema.withSchema(S).createTable('checkpoints', (t) => {
    t.text('run_id').notNullable();
    t.text('step').notNullable();
    t.text('status').notNullable().defaultTo('staging');
    t.jsonb('state').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'step']);
  });

  await knex.schema.withSchema(S).createTable('catalogue_resources', (t) => {
    t.increments('id');
    t.text('dataset').notNullable().unique();
    t.text('table_ref').notNullable();
    t.text('department').notNullable().index();
    t.text('source_system');
    t.text('update_frequency').notNullable();
    t.text('sensitivity').notNullable();
    t.jsonb('sensitivity_reasons').notNullable().defaultTo('[]');
    t.text('description');
    t.integer('current_version').notNullable();
    t.bigInteger('row_count').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.withSchema(S).createTable('catalogue_versions', (t) => {
    t.integer('resource_id').notNullable().references('id').inTable(`${S}.catalogue_resources`).onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('run_id').notNullable().unique();
    t.text('table_ref').notNullable();
    t.text('mode').notNullable();
    t.bigInteger('row_count').notNullable();
    t.text('schema_hash').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['resource_id', 'version']);
  });

  await knex.schema.withSchema(S).createTable('catalogue_columns', (t) => {
    t.integer('resource_id').notNullable();
    t.integer('version').notNullable();
    t.integer('ordinal').notNullable();
    t.text('name').notNullable();
    t.text('data_type').notNullable();
    t.text('semantic_type');
    t.text('sensitivity').notNullable();
    t.bigInteger('rows').notNullable();
    t.bigInteger('nulls').notNullable();
    t.double('null_rate').notNullable();
    t.bigInteger('distinct_estimate').notNullable();
    t.text('min_value');
    t.text('max_value');
    t.integer('min_length');
    t.integer('max_length');
    t.bigInteger('semantic_checked');
    t.bigInteger('semantic_valid');
    t.jsonb('top_patterns').notNullable().defaultTo('[]');
    t.primary(['resource_id', 'version', 'ordinal']);
    t.foreign(['resource_id', 'version']).references(['resource_id', 'version']).inTable(`${S}.catalogue_versions`).onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'catalogue_columns',
    'catalogue_versions',
    'catalogue_resources',
    'checkpoints',
    'quarantine',
    'quality_indicators',
    'step_metrics',
    'runs',
  ]) {
    await knex.schema.withSchema(S).dropTableIfExists(table);
  }
}
