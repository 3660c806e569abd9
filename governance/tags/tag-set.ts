// The tags of one job, ready to run over entity rows: each rule compiled once against the fields, each
// list loaded as a set of normalised values; one call per row gives the tags it earns with evidence.
import { createHash } from 'node:crypto';
import type { Field } from '../../connectors/source-chunk.ts';
import { compileRule, ruleEnvironment, type CompiledRule } from './compile-rule.ts';
import { toCelValue, type CelValue, type RuleField } from './field-types.ts';
import { normaliseListValue, type ListValueKind } from './fixed-list.ts';

export interface RuleTagDefinition {
  name: string;
  rule: string;
}

export interface ListTagDefinition {
  name: string;
  /** The field compared with the list. */
  match: string;
  normalise: ListValueKind;
  entries: ReadonlySet<string>;
}

export interface TagCounts {
  matched: number;
  /** A field the rule reads (or the list's match field) was empty. */
  unknown: number;
  /** The rule failed on the entity's values. */
  errors: number;
  /** The first such failure, for the run's record. */
  firstError?: string;
}

export interface TagHit {
  tag: string;
  evidence: Record<string, unknown>;
}

interface RunnableTag {
  name: string;
  version: string;
  test(values: Readonly<Record<string, CelValue | null>>, row: readonly Field[]): { hit?: Record<string, unknown>; unknown?: boolean; error?: string };
}

const NOTHING = {};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** A rule's version: its text and the definitions of the fields it reads (age from which column, joined how). */
export function ruleVersion(rule: CompiledRule, definitions: Readonly<Record<string, string>>): string {
  return sha256(JSON.stringify([rule.expression, rule.fields.map((f) => [f, definitions[f] ?? ''])]));
}

/** A list's version: its entries (sorted, as normalised), the field and the normalisation. */
export function listVersion(list: ListTagDefinition): string {
  return sha256(JSON.stringify([list.match, list.normalise, [...list.entries].sort()]));
}

export class TagSet {
  private readonly tags: RunnableTag[] = [];
  private readonly fieldTypes: Map<string, RuleField['type']>;
  private readonly read = new Set<string>();
  private readonly readColumns: { name: string; index: number; type: RuleField['type'] }[];

  /** `columns`: the entity row's column names in read order (the entity id first). */
  constructor(
    fields: readonly RuleField[],
    columns: readonly string[],
    rules: readonly RuleTagDefinition[],
    lists: readonly ListTagDefinition[],
    definitions: Readonly<Record<string, string>>,
  ) {
    this.fieldTypes = new Map(fields.map((f) => [f.name, f.type]));
    const env = ruleEnvironment(fields);
    for (const { name, rule } of rules) {
      const compiled = compileRule(rule, fields, env);
      for (const f of compiled.fields) this.read.add(f);
      this.tags.push({
        name,
        version: ruleVersion(compiled, definitions),
        test(values) {
          const outcome = compiled.evaluateContext(values);
          if (outcome.result === 'match') return { hit: outcome.evidence };
          if (outcome.result === 'unknown') return { unknown: true };
          if (outcome.result === 'error') return { error: outcome.message };
          return NOTHING;
        },
      });
    }
    this.readColumns = columns.flatMap((name, index) => (this.read.has(name) ? [{ name, index, type: this.fieldTypes.get(name)! }] : []));
    for (const list of lists) {
      const at = columns.indexOf(list.match);
      if (at === -1) throw new RangeError(`tag ${list.name}: the entities have no field "${list.match}" to match the list by`);
      this.tags.push({
        name: list.name,
        version: listVersion(list),
        test(_values, row) {
          const raw = row[at];
          const value = raw === null || raw === undefined ? '' : normaliseListValue(raw, list.normalise);
          if (!value) return { unknown: true };
          return list.entries.has(value) ? { hit: { [list.match]: raw, listed: value } } : NOTHING;
        },
      });
    }
  }

  get names(): string[] {
    return this.tags.map((t) => t.name);
  }

  versions(): Record<string, string> {
    return Object.fromEntries(this.tags.map((t) => [t.name, t.version]));
  }

  /** The tags one entity row earns; counts are advanced in `counts`. */
  evaluate(row: readonly Field[], counts: Record<string, TagCounts>): TagHit[] {
    // Only the fields some rule reads are converted, once per row, into one object all rules share.
    const values: Record<string, CelValue | null> = {};
    for (const { name, index, type } of this.readColumns) values[name] = toCelValue(type, row[index] ?? null);
    const hits: TagHit[] = [];
    for (const tag of this.tags) {
      counts[tag.name] ??= { matched: 0, unknown: 0, errors: 0 };
      const c = counts[tag.name]!;
      const outcome = tag.test(values, row);
      if (outcome.hit) {
        c.matched++;
        hits.push({ tag: tag.name, evidence: outcome.hit });
      } else if (outcome.unknown) c.unknown++;
      else if (outcome.error) {
        c.errors++;
        c.firstError ??= outcome.error;
      }
    }
    return hits;
  }
}
