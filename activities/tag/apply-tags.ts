import { Context } from '@temporalio/activity';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { applyStagedTags, recordTagRun } from '../../catalogue/tags.ts';
import { recordIndicators } from '../../catalogue/indicators.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';
import type { TagApplySummary } from '../../schemas/tag-run.ts';
import { classifyErrors } from '../context.ts';
import { publishStaged } from '../publish/publish-staged.ts';
import type { TagCheckpoint } from './stage-tag.ts';
import { TAG_STEP } from './tag-plan.ts';

export interface ApplyTagsInput {
  runId: string;
  spec: TagJobSpec;
  /** When the run's tags hold from: its logical date. */
  logicalDate: string;
  durationMs: number;
}

/**
 * One transaction: the staged hits become tag periods (opened, closed), the run's per-tag counts go to
 * dataops.tag_runs and the metrics schema, the staging table is dropped. A retry after the commit
 * returns the recorded summary (publishStaged), so no period is ever opened twice.
 */
export async function applyTags(input: ApplyTagsInput): Promise<TagApplySummary> {
  return classifyErrors(() =>
    publishStaged<TagCheckpoint, TagApplySummary>(input.runId, TAG_STEP, async (trx, state) => {
      const { spec, runId } = input;
      const names = Object.keys(spec.tags);
      const applied = await applyStagedTags(trx, {
        runId,
        job: spec.job,
        entityType: spec.entities.type,
        entityTable: spec.entities.table,
        stagingTable: state.stagingTable,
        at: input.logicalDate,
        tags: names.map((tag) => {
          const rule = Boolean(spec.tags[tag]!.rule);
          return { tag, ruleId: `${rule ? 'rule' : 'list'}:${tag}`, version: state.versions[tag]!, reissue: rule };
        }),
      });
      const tags = applied.map((a) => {
        const counts = state.counts[a.tag] ?? { matched: 0, unknown: 0, errors: 0 };
        const defined = names.includes(a.tag);
        return {
          tag: a.tag,
          ruleVersion: state.versions[a.tag] ?? '',
          evaluated: defined ? state.rows : 0,
          added: a.added,
          removed: a.removed,
          current: a.current,
          unknown: counts.unknown,
          errors: counts.errors,
        };
      });
      await recordTagRun(
        trx,
        tags.map((t) => ({
          run_id: runId,
          job: spec.job,
          tag: t.tag,
          rule_version: t.ruleVersion,
          evaluated: t.evaluated,
          added: t.added,
          removed: t.removed,
          current: t.current,
          unknown: t.unknown,
          errors: t.errors,
        })),
      );
      await recordIndicators(
        trx,
        runId,
        TAG_STEP,
        spec.entities.table,
        tags.flatMap((t) => [
          { column: t.tag, indicator: 'tag.current', parent: null, a: t.current, b: state.rows },
          { column: t.tag, indicator: 'tag.added', parent: 'tag.current', a: t.added, b: state.rows },
          { column: t.tag, indicator: 'tag.removed', parent: 'tag.current', a: t.removed, b: state.rows },
          { column: t.tag, indicator: 'tag.undecided', parent: 'tag.current', a: t.unknown + t.errors, b: state.rows },
        ]),
      );
      await recordStepMetrics(trx, {
        run_id: runId,
        step: TAG_STEP,
        attempt: Context.current().info.attempt,
        records_in: state.rows,
        records_out: tags.reduce((n, t) => n + t.current, 0),
        records_rejected: tags.reduce((n, t) => n + t.errors, 0),
        bytes: state.bytes,
        duration_ms: input.durationMs,
      });
      await trx.raw(`DROP TABLE IF EXISTS ${quoteTable(state.stagingTable)}`);
      return { entities: state.rows, tags };
    }),
  );
}
