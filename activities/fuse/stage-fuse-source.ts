import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import type { ColumnInfo, SourceChunk } from '../../connectors/source-chunk.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import { normaliseRecord } from '../../governance/fuse/normalise-record.ts';
import { instantMs } from '../../governance/rules/instant.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { activityConfig, classifyErrors } from '../context.ts';
import { stageBatches, type StagedState, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { fuseFields, RECORD_COLUMNS, sourceStep } from './fuse-fields.ts';
import { nameTools, type LoadedNameTools } from './name-tools.ts';

/** A source's change time as a UTC ISO instant, comparable as text (a time without offset is the centre's). */
function utcInstant(raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  const ms = instantMs(raw.trim());
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export interface StageFuseSourceInput {
  runId: string;
  spec: FuseJobSpec;
  /** Index into spec.sources. */
  source: number;
}

export interface FuseSourceSummary {
  source: string;
  records: number;
  stagingTable: string;
  /** Records with values moved back to their column (a name keyed as the address, ...). */
  repaired: number;
}

interface FuseSourceState extends StagedState {
  repaired: number;
}

/**
 * Reads one department's table in committed batches and stages its records normalised: governed
 * values per golden field (IDs, mobiles, dates, gender, simplified names), swapped columns put back,
 * and a digest per record that later runs compare to see what changed.
 */
export async function stageFuseSource(input: StageFuseSourceInput): Promise<FuseSourceSummary> {
  return classifyErrors(async () => {
    const tools = await nameTools();
    return withKeepAlive((beat) => stageBatches(fuseSourceService(input, tools), beat));
  });
}

function fuseSourceService({ runId, spec, source: index }: StageFuseSourceInput, tools: LoadedNameTools): StageService<FuseSourceState, FuseSourceSummary> {
  const source = spec.sources[index]!;
  const step = sourceStep(source.name);
  const fields = fuseFields(spec);
  const wanted = [source.key, ...(source.updatedAt ? [source.updatedAt] : []), ...new Set(Object.values(source.columns))];
  return {
    runId,
    step,
    batchRows: spec.options.batchRows,
    openSource: (position) =>
      openSourceReader(
        activityConfig(),
        { type: 'table', connection: source.connection, table: source.table, key: source.key, columns: [...new Set(wanted)], columnNames: 'keep' },
        position,
      ),
    async start(opened, committed) {
      const at = (column: string) => {
        const i = opened.reader.columns.findIndex((c) => c.name === column || c.label === column || c.name === column.toLowerCase());
        if (i < 0) throw new BadInputError(`source ${source.name} (${source.table}) has no column "${column}"`);
        return i;
      };
      const keyAt = at(source.key);
      const updatedAt = source.updatedAt ? at(source.updatedAt) : -1;
      const fieldAt = fields.map((f) => (source.columns[f.name] ? at(source.columns[f.name]!) : -1));
      const columns: ColumnInfo[] = [...RECORD_COLUMNS, ...fields.map((f) => f.name)].map((name) => ({ name, pgType: 'text' }));
      const state: FuseSourceState = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns,
        stagingTable: stagingTableName(runId, step),
        repaired: 0,
      };
      let repaired = 0;
      return {
        state,
        transform: {
          copyOptions: 'FORMAT text',
          async absorb(chunk: SourceChunk, sink) {
            let out = '';
            for (const row of chunk.rows) {
              const record = normaliseRecord(
                fields,
                fieldAt.map((at) => (at < 0 ? null : (row[at] ?? null))),
                tools.simplify,
              );
              if (record.repairs.length) repaired++;
              const id = row[keyAt] ?? null;
              if (id === null)
                throw new BadInputError(`source ${source.name} (${source.table}): a record has no ${source.key}; the key must be set on every record`);
              out += copyTextRow([
                id,
                updatedAt < 0 ? null : utcInstant(row[updatedAt] ?? null),
                record.digest,
                record.repairs.length ? record.repairs.map((m) => `${m.from}>${m.to}`).join(',') : null,
                ...record.values,
              ]);
            }
            await sink.write(Buffer.from(out, 'utf8'));
          },
          commit: async (_client, next) => {
            const done = { ...next, repaired: next.repaired + repaired };
            repaired = 0;
            return done;
          },
        },
      };
    },
    summary: (state) => ({ source: source.name, records: state.rows, stagingTable: state.stagingTable, repaired: state.repaired }),
  };
}
