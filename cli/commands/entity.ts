import { entityEvents, entityMembers, fusionJob, goldenVersions, jobsOfEntity } from '../../catalogue/fusion.ts';
import { ENTITY_FIELDS, type EntityType } from '../../governance/fuse/field-kinds.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatTable } from '../format-table.ts';
import { auditReveal, valueView } from './fusion-values.ts';

export interface EntityOptions {
  job?: string;
  history?: boolean;
  reveal?: boolean;
  json?: boolean;
}

const META = new Set(['entity_id', 'record_count', 'sources', 'conflicts', 'lineage', 'digest', 'run_id', 'valid_from', 'valid_to', 'ended_by']);

/** One golden entity: its fields with where each came from, its records, its events, and with --history every version. */
export function entityCommand(entity: string, options: EntityOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const jobs = options.job ? [options.job] : await jobsOfEntity(db, entity);
    if (!jobs.length) {
      console.error(`no fusion job knows entity ${entity}`);
      return 1;
    }
    if (jobs.length > 1) {
      console.error(`entity id ${entity} is in jobs ${jobs.join(', ')}: say which with --job`);
      return 1;
    }
    const job = (await fusionJob(db, jobs[0]!))!;
    const versions = await goldenVersions(db, job.target_table, entity, Boolean(options.history));
    const members = await entityMembers(db, job.job, entity);
    const events = await entityEvents(db, job.job, entity);
    const fields = Object.keys(versions[0] ?? {}).filter((k) => !META.has(k));
    if (options.reveal) await auditReveal(db, { command: 'entity', job: job.job, rows: versions.length, fields, details: { entity } });
    const view = valueView(job, Boolean(options.reveal));
    const shown = versions.map((v) => ({ ...v, ...Object.fromEntries(fields.map((f) => [f, view.show(f, v[f] as string | null)])) }));
    if (options.json) {
      console.log(JSON.stringify({ job: job.job, entity, versions: shown, members, events }, null, 2));
      return 0;
    }
    const current = shown[0] as Record<string, unknown> | undefined;
    if (!current) console.log(`${entity} (job ${job.job}) has no golden version`);
    else {
      const ended = current.valid_to ? `ended ${(current.valid_to as Date).toISOString()}` : 'current';
      console.log(
        `${entity} · job ${job.job} · ${current.record_count} records from ${(current.sources as string[]).join(', ')} · ${ended} (since ${(current.valid_from as Date).toISOString()})`,
      );
      const lineage = current.lineage as Record<string, { ref: string | null; rule: string; distinct?: number; conflict?: boolean }>;
      const own = new Set(Object.keys(ENTITY_FIELDS[job.entity as EntityType] ?? {}));
      console.log(
        formatTable(
          ['field', 'value', 'from', 'rule', 'note'],
          fields.map((f) => {
            const l = lineage[f];
            const note = l?.conflict
              ? 'in conflict: see dataops review list'
              : l?.distinct
                ? `${l.distinct} values among the records`
                : own.has(f)
                  ? ''
                  : 'extra field';
            return [f, String(current[f] ?? ''), l?.ref ?? '', l?.rule ?? '', note];
          }),
        ),
      );
    }
    console.log(`\nrecords: ${members.map((m) => `${m.source}:${m.record_id}`).join(', ') || 'none (retired)'}`);
    if (events.length) {
      console.log(
        `\n${formatTable(
          ['event', 'entity', 'detail', 'at'],
          events.map((e) => [e.event, e.entity_id, e.detail ? JSON.stringify(e.detail) : '', e.at.toISOString()]),
        )}`,
      );
    }
    if (options.history && shown.length > 1) console.log(`\n${shown.length} versions (newest first); --json shows each in full`);
    if (!options.reveal) console.log('(personal values masked; --reveal shows them in clear and is audited)');
    return 0;
  });
}
