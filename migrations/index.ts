import type { Knex } from 'knex';
import * as metricsSchema from './20261126000000_metrics_schema.ts';
import * as cleanseQuarantine from './20261126010000_cleanse_quarantine.ts';
import * as fieldTrial from './20261201000000_field_trial.ts';
import * as incrementalSync from './20261201020000_incremental_sync.ts';
import * as scheduledRuns from './20261201030000_scheduled_runs.ts';
import * as keySetDeletes from './20261201040000_key_set_deletes.ts';
import * as collectedFiles from './20261201050000_collected_files.ts';
import * as auditLog from './20261201060000_audit_log.ts';
import * as scanFindings from './20261201070000_scan_findings.ts';
import * as streams from './20261201080000_streams.ts';
import * as devices from './20261201090000_devices.ts';
import * as stepDuplicates from './20261202100000_step_duplicates.ts';
import * as streamRedeliveries from './20261202110000_stream_redeliveries.ts';
import * as fusion from './20261203100000_fusion.ts';
import * as tags from './20261203110000_tags.ts';
import * as fusionLinksJson from './20261204100000_fusion_links_json.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration in order. Listed statically so they load the same under tsx, vitest and bundlers. */
const MIGRATIONS: [string, Migration][] = [
  ['20261126000000_metrics_schema.ts', metricsSchema],
  ['20261126010000_cleanse_quarantine.ts', cleanseQuarantine],
  ['20261201000000_field_trial.ts', fieldTrial],
  ['20261201020000_incremental_sync.ts', incrementalSync],
  ['20261201030000_scheduled_runs.ts', scheduledRuns],
  ['20261201040000_key_set_deletes.ts', keySetDeletes],
  ['20261201050000_collected_files.ts', collectedFiles],
  ['20261201060000_audit_log.ts', auditLog],
  ['20261201070000_scan_findings.ts', scanFindings],
  ['20261201080000_streams.ts', streams],
  ['20261201090000_devices.ts', devices],
  ['20261202100000_step_duplicates.ts', stepDuplicates],
  ['20261202110000_stream_redeliveries.ts', streamRedeliveries],
  ['20261203100000_fusion.ts', fusion],
  ['20261203110000_tags.ts', tags],
  ['20261204100000_fusion_links_json.ts', fusionLinksJson],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};
