import type { Knex } from 'knex';

const S = 'dataops';

/**
 * Deliveries counted by dataops for brokers that only say "redelivered" (MQTT's DUP flag): a message
 * that keeps failing its batch must still reach the poison limit. A row lives from a message's first
 * redelivery until the batch holding it commits.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).createTable('stream_redeliveries', (t) => {
    t.text('job').notNullable();
    t.text('message_id').notNullable();
    t.integer('deliveries').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['job', 'message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(S).dropTableIfExists('stream_redeliveries');
}
