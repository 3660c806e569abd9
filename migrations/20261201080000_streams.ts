import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Streams: one row per stream-ingest job with its running totals and where it stands, updated in the
 * transaction of every batch it commits (so the totals always agree with the rows); and the same
 * counts per minute of wall-clock time, the time series `dataops streams` and dashboards draw.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('streams', (t) => {
    t.text('job').primary();
    t.text('dataset').notNullable();
    t.text('department').notNullable();
    /** `jetstream nats:PERMITS (permits.>)`: what it reads, never a URL. */
    t.text('source').notNullable();
    /**
     * The broker's identity of its sequence space (a JetStream stream's creation time): a stream deleted
     * and recreated restarts its sequences, which would read as duplicates of the old ones.
     */
    t.text('source_identity');
    t.text('target_table').notNullable();
    /** The run (workflow) that reads it now, or read it last. */
    t.text('run_id').notNullable();
    t.text('state').notNullable().defaultTo('running');
    t.bigInteger('messages').notNullable().defaultTo(0);
    t.bigInteger('written').notNullable().defaultTo(0);
    t.bigInteger('quarantined').notNullable().defaultTo(0);
    /** Redelivered or re-sent messages the dedupe key recognised. */
    t.bigInteger('duplicates').notNullable().defaultTo(0);
    /** Poison messages: delivered too often without a commit, quarantined and never redelivered. */
    t.bigInteger('poison').notNullable().defaultTo(0);
    t.bigInteger('bytes').notNullable().defaultTo(0);
    t.bigInteger('batches').notNullable().defaultTo(0);
    t.bigInteger('last_sequence');
    /** Messages waiting in the broker after the last batch, when the broker says. */
    t.bigInteger('lag');
    t.timestamp('last_message_at', { useTz: true });
    t.timestamp('last_commit_at', { useTz: true });
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.withSchema(S).createTable('stream_windows', (t) => {
    t.text('job').notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.text('run_id').notNullable();
    t.bigInteger('messages').notNullable().defaultTo(0);
    t.bigInteger('written').notNullable().defaultTo(0);
    t.bigInteger('quarantined').notNullable().defaultTo(0);
    t.bigInteger('duplicates').notNullable().defaultTo(0);
    t.bigInteger('poison').notNullable().defaultTo(0);
    t.bigInteger('bytes').notNullable().defaultTo(0);
    t.integer('batches').notNullable().defaultTo(0);
    t.bigInteger('max_lag');
    t.bigInteger('last_sequence');
    t.primary(['job', 'window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('stream_windows');
  await knex.schema.withSchema(S).dropTableIfExists('streams');
}
