import { copyTextRow, escapeCopyText } from '../../connectors/postgres/copy-text.ts';
import type { ColumnInfo, Field } from '../../connectors/source-chunk.ts';
import { quoteIdent } from '../../connectors/postgres/quote.ts';
import type { SourcePosition } from '../../connectors/source-chunk.ts';
import type { EvaluationState, Finding, RulePlan } from '../../governance/rules/engine.ts';

/** A record that failed a rejecting rule: what the quarantine stores for it. */
export interface RejectedRecord {
  sourceRef: string;
  /** The row's ref; for a duplicate, also the ref of the kept row it repeats. */
  ref: number;
  keptRef?: number;
  findings: Pick<Finding, 'ruleId' | 'column' | 'reason'>[];
  values: Field[];
}

/** One chunk's outcome: staging rows as COPY text, rejected records, and tallies. */
export interface CleansedRows {
  /** Clean and flagged rows in COPY text: the source columns, the row ref, the flags as JSON. */
  out: string;
  clean: number;
  flagged: number;
  /** Values changed by normalisers. */
  fixes: number;
  rejected: RejectedRecord[];
  /** Earlier kept rows that a later one beat under `latest` survivorship: [beaten ref, winning ref] pairs, flat. */
  replaces: number[];
}

/** A cleansed chunk as the staging loop takes it: rows encoded for COPY, plus where the source stands. */
export interface CleansedChunk extends Omit<CleansedRows, 'out'> {
  out: Buffer;
  rows: number;
  bytes: number;
  end: SourcePosition;
}

/** How a quarantined record points back at its source: its key values, else its row number. */
export function sourceRefFor(names: readonly string[], keyColumns: readonly string[]): (values: readonly Field[], ref: number) => string {
  const keyIndexes = keyColumns.map((k) => names.indexOf(k));
  return (values, ref) => (keyIndexes.length ? keyIndexes.map((i) => `${names[i]}=${values[i] ?? ''}`).join(',') : `row ${ref}`);
}

/**
 * The same reference as `sourceRefFor`, computed in SQL over a staging row (alias `s`): names the kept
 * record of each duplicate at publish. A row a normaliser changed is named by its source values.
 */
export function sourceRefSql(names: readonly string[], keyColumns: readonly string[], staging: readonly ColumnInfo[]): string {
  if (!keyColumns.length) return "'row ' || s.dataops_ref";
  const originals = staging.some((c) => c.name === 'dataops_original');
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const parts = keyColumns.map((k) => {
    const value = originals
      ? `CASE WHEN s.dataops_original IS NULL THEN s.${quoteIdent(k)}::text ELSE s.dataops_original->>${names.indexOf(k)} END`
      : `s.${quoteIdent(k)}::text`;
    return `${literal(`${k}=`)} || coalesce(${value}, '')`;
  });
  return parts.join(" || ',' || ");
}

/**
 * Runs a chunk's rows through the plan. Every row gets the next row ref (what retracts a superseded
 * duplicate later, and names a keyless source's rows). With `keepOriginals`, a row a normaliser changed
 * also carries its source values as JSON, for the quarantine should it be superseded.
 * `lines` are the rows' COPY text as read: a row no normaliser touched is written back verbatim.
 */
export function cleanseRows(
  plan: RulePlan,
  state: EvaluationState,
  rows: readonly Field[][],
  lines: readonly string[] | undefined,
  refs: { next: number },
  sourceRef: (values: readonly Field[], ref: number) => string,
  keepOriginals = false,
): CleansedRows {
  const result: CleansedRows = { out: '', clean: 0, flagged: 0, fixes: 0, rejected: [], replaces: [] };
  let out = '';
  const sourceWidth = plan.sourceWidth;
  const width = plan.columns.length;
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i]!;
    const ref = ++refs.next;
    const row = plan.evaluateRow(values, state, ref);
    result.fixes += row.fixes.length;
    if (row.replaces !== undefined) result.replaces.push(row.replaces, ref);
    if (row.outcome === 'rejected') {
      result.rejected.push({
        sourceRef: sourceRef(values, ref),
        ref,
        keptRef: row.duplicateOf,
        findings: row.rejections.map((r) => ({ ruleId: r.ruleId, column: r.column, reason: r.reason })),
        values,
      });
      continue;
    }
    const flags = row.flags.length
      ? JSON.stringify(row.flags.map((f) => ({ rule: f.ruleId, column: f.column, reason: f.reason.en, reason_zh: f.reason.zh })))
      : null;
    if (flags) result.flagged++;
    else result.clean++;
    const unchanged = row.fixes.length === 0;
    // A row no normaliser touched is written back as the source's own COPY line: no re-escaping.
    if (unchanged && lines) {
      // Columns the plan derives (the geo section's town) follow the source's own.
      let derived = '';
      for (let c = sourceWidth; c < width; c++) derived += `\t${escapeCopyText(row.values[c] ?? null)}`;
      out += `${lines[i]}${derived}\t${ref}\t${escapeCopyText(flags)}${keepOriginals ? '\t\\N' : ''}\n`;
    } else {
      const original = unchanged ? null : JSON.stringify(values);
      out += copyTextRow(keepOriginals ? [...row.values, String(ref), flags, original] : [...row.values, String(ref), flags]);
    }
  }
  result.out = out;
  return result;
}
