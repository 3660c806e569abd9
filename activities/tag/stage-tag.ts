import type { QuerySource } from '../../schemas/sources.ts';
import { connectSource } from '../staging/open-source.ts';
import { openPgReader } from '../../connectors/postgres/table-reader.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';
import type { TagCounts } from '../../governance/tags/tag-set.ts';
import { CENTRE_CONNECTION } from '../../config/connections.ts';
import { activityConfig, classifyErrors } from '../context.ts';
import { stageBatches, type StagedState, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { ENTITY_ID } from './entity-query.ts';
import { prepareTags, TAG_STEP } from './tag-plan.ts';

/** What a tag run's checkpoint holds besides the shared counts: per-tag counts of the committed rows. */
export interface TagCheckpoint extends StagedState {
  asOf: string;
  versions: Record<string, string>;
  counts: Record<string, TagCounts>;
}

/** The staged hits: one row per entity and tag it earned. */
export const TAG_STAGING_COLUMNS = [
  { name: 'entity_id', pgType: 'text' },
  { name: 'tag', pgType: 'text' },
  { name: 'evidence', pgType: 'jsonb' },
];

export interface StageTagInput {
  runId: string;
  spec: TagJobSpec;
  asOf: string;
}

/**
 * Streams the entity table (with its joins and computed fields) in key order through every tag and
 * stages the hits with their evidence, batch by batch with the checkpoint: a retry resumes after the
 * last committed entity. Nothing touches dataops.tags until applyTags.
 */
export async function stageTag(input: StageTagInput): Promise<StageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const config = activityConfig();
      const { client } = await connectSource(config, CENTRE_CONNECTION);
      let prepared: Awaited<ReturnType<typeof prepareTags>>;
      try {
        prepared = await prepareTags(client, input.spec, input.asOf);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      const { query, tags } = prepared;
      const source: QuerySource = { type: 'query', connection: CENTRE_CONNECTION, sql: query.sql, key: ENTITY_ID, columnNames: 'keep' };
      let counts: Record<string, TagCounts> = {};
      const service: StageService<TagCheckpoint, StageSummary> = {
        runId: input.runId,
        step: TAG_STEP,
        batchRows: input.spec.options.batchRows,
        async openSource(position) {
          const reader = await openPgReader(client, source, CENTRE_CONNECTION, position);
          return { reader, resumable: true, close: () => reader.close() };
        },
        async start(_source, committed) {
          const state: TagCheckpoint = committed ?? {
            position: null,
            rows: 0,
            bytes: 0,
            batches: 0,
            columns: TAG_STAGING_COLUMNS,
            stagingTable: stagingTableName(input.runId, TAG_STEP),
            asOf: input.asOf,
            versions: tags.versions(),
            counts: {},
          };
          counts = structuredClone(state.counts);
          return {
            state,
            transform: {
              copyOptions: 'FORMAT text',
              // Applying looks hits up by entity (per closed period) and anti-joins by (tag, entity).
              layout: { indexed: ['entity_id'] },
              async absorb(chunk, sink) {
                const lines: string[] = [];
                for (const row of chunk.rows) {
                  const id = row[0] ?? null;
                  for (const hit of tags.evaluate(row, counts)) lines.push(copyTextRow([id, hit.tag, JSON.stringify(hit.evidence)]));
                }
                if (lines.length) await sink.write(Buffer.from(lines.join(''), 'utf8'));
              },
              async commit(_client, next) {
                return { ...next, counts: structuredClone(counts) };
              },
              progress: (s) => ({ rejected: Object.values(s.counts).reduce((n, c) => n + c.errors, 0) }),
            },
          };
        },
        summary: (s, attempt, resumedFromRow) => ({ rows: s.rows, bytes: s.bytes, batches: s.batches, attempt, resumedFromRow, stagingTable: s.stagingTable }),
      };
      try {
        return await stageBatches(service, beat);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}
