import type { Knex } from 'knex';

/**
 * A link's explanation (field → [level, weight]) is written once per matched pair, millions per run, and
 * read back whole: `json` keeps the text as sent, where `jsonb` parsed and re-encoded every one (about a
 * quarter of the database's work storing the links of 3M records). `->` and `->>` work on both.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE dataops.fusion_links ALTER COLUMN explanation TYPE json USING explanation::json');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE dataops.fusion_links ALTER COLUMN explanation TYPE jsonb USING explanation::jsonb');
}
