import type { Knex } from 'knex';

const S = 'dataops';

/**
 * IoT devices per stream-ingest job: each device of the job's registry, with when it was last heard
 * from and how many of its readings were accepted or quarantined. A job's registry is written here
 * when its ingest starts (devices never heard from have no times), so `dataops devices` lists them
 * without reading the job's spec or registry file; each batch updates the devices it heard from in the
 * transaction that commits their readings.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('device_state', (t) => {
    t.text('job').notNullable();
    t.text('device_id').notNullable();
    t.text('department').notNullable();
    t.integer('interval_seconds').notNullable();
    t.text('device_type');
    /** False once the job's registry no longer lists the device (its history stays). */
    t.boolean('registered').notNullable().defaultTo(true);
    /** When the latest accepted reading arrived at the centre. */
    t.timestamp('last_seen_at', { useTz: true });
    /** The latest accepted reading's own time, by the device's clock. */
    t.timestamp('last_reading_at', { useTz: true });
    t.bigInteger('accepted').notNullable().defaultTo(0);
    t.bigInteger('quarantined').notNullable().defaultTo(0);
    /** The run that last wrote the row. */
    t.text('run_id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['job', 'device_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('device_state');
}
