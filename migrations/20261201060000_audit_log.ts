import type { Knex } from 'knex';

const S = 'dataops';

/**
 * The audit log: who made data leave the centre (a distribution, a share) or showed it in clear (a
 * CLI reveal), to whom, from which spec, how many rows, which columns, and with which masking. Rows
 * are written in the transaction that publishes the data, so a retried publish never adds a second.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    /** The Temporal identity that started the workflow, or user@host for CLI actions. */
    t.text('actor').notNullable();
    /** distribute, share, reveal, scan. */
    t.text('action').notNullable();
    t.text('run_id');
    t.text('job');
    t.text('dataset');
    /** The job's department (the owner of what the action did). */
    t.text('department');
    /** Who received the data: the consumer department and/or the connection it went to. */
    t.text('recipient');
    /** Hex SHA-256 of the validated spec's canonical JSON; null for actions without a spec. */
    t.text('spec_hash');
    t.bigInteger('rows').notNullable().defaultTo(0);
    /** Names of the columns that left. */
    t.jsonb('columns').notNullable().defaultTo('[]');
    /** { masks: { column: mask }, keyVersion?, algorithm?, keyFingerprint? }. */
    t.jsonb('masking').notNullable().defaultTo('{}');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['department', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('audit_log');
}
