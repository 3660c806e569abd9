import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Folder syncs: every file a run published, by name, size and content hash, written in the
 * transaction that publishes its rows. A file is new when no earlier run took the same bytes under
 * the same name.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('collected_files', (t) => {
    t.bigIncrements('id');
    t.text('dataset').notNullable();
    t.text('run_id').notNullable();
    /** Relative to the files connection's root (absolute without a connection). */
    t.text('name').notNullable();
    t.bigInteger('size').notNullable();
    t.bigInteger('mtime_ms').notNullable();
    /** Hex SHA-256 of the bytes; null where the run read every file (replace and version targets). */
    t.text('sha256');
    t.bigInteger('rows').notNullable();
    t.integer('position').notNullable();
    t.timestamp('collected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dataset', 'name']);
    t.index(['run_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('collected_files');
}
