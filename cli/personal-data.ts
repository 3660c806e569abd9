import type { ColumnLevel } from '../catalogue/column-levels.ts';
import { displayMasker } from '../governance/masking/display.ts';
import type { Masker } from '../governance/masking/masker.ts';
import { levelOfType, personalValueType } from '../governance/scan/personal-data.ts';

type Row = Record<string, unknown>;

/**
 * The L3/L4 columns of a set of records, as the catalogue describes them, and how the CLI shows
 * their values: masked, unless the user asked to reveal them (which the caller audits first).
 */
export class PersonalColumns {
  private readonly maskers = new Map<string, Masker>();
  private readonly described: ReadonlySet<string>;
  private readonly byValue = new Map<string, Masker | undefined>();

  /**
   * `revealed`: everything is shown as it is (the caller audited the reveal). Otherwise a column no
   * catalogue describes has each value judged on its own: one that validates as a citizen ID or a
   * mobile is masked as such, so an uncatalogued run does not print personal data in clear.
   */
  constructor(
    levels: ReadonlyMap<string, ColumnLevel>,
    private readonly revealed = false,
  ) {
    this.described = new Set(levels.keys());
    for (const [name, level] of levels) {
      const masker = displayMasker(level);
      if (masker) this.maskers.set(name, masker);
    }
  }

  /** Whether values may be masked at all (false once revealed). */
  get masking(): boolean {
    return !this.revealed;
  }

  /** The personal columns, in the catalogue's order. */
  get names(): string[] {
    return [...this.maskers.keys()];
  }

  /** The personal columns among a record's keys: catalogued L3/L4 ones, and undescribed ones whose value here validates as personal. */
  namesIn(record: Row | null | undefined): string[] {
    if (!record) return [];
    const catalogued = this.names.filter((n) => Object.hasOwn(record, n));
    const judged = Object.entries(record)
      .filter(([n, v]) => !this.described.has(n) && typeof v === 'string' && personalValueType(v) !== null)
      .map(([n]) => n);
    return [...catalogued, ...judged];
  }

  value(column: string, value: unknown): unknown {
    if (this.revealed) return value;
    const masker = this.maskers.get(column);
    if (masker) return masker(value);
    if (this.described.has(column) || typeof value !== 'string') return value;
    const type = personalValueType(value);
    if (!type) return value;
    if (!this.byValue.has(type)) this.byValue.set(type, displayMasker({ semanticType: type, sensitivity: levelOfType(type) }));
    return this.byValue.get(type)!(value);
  }

  /** A copy of the record with the personal columns masked (the key order kept). */
  record<R extends Row | null | undefined>(record: R): R {
    if (!record || this.revealed) return record;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.value(k, v)])) as R;
  }

  /**
   * A source reference (`resident_id=42` or `citizen_id=3101…,name=张三`, see sourceRefFor) with the
   * values of personal key columns masked: matched against the record's own values where it has
   * them (a value may hold a comma), else up to the next comma.
   */
  ref(ref: string | null, record?: Row | null): string | null {
    if (ref === null || this.revealed || !this.maskers.size) return ref;
    let out = ref;
    for (const name of this.names) {
      const own = record && typeof record[name] === 'string' ? `${name}=${record[name] as string}` : undefined;
      const at = own === undefined ? -1 : findPart(out, own);
      if (own !== undefined && at >= 0) {
        out = `${out.slice(0, at)}${name}=${String(this.value(name, record![name]) ?? '')}${out.slice(at + own.length)}`;
        continue;
      }
      const prefix = `${name}=`;
      const start = findPrefix(out, prefix);
      if (start < 0) continue;
      const valueStart = start + prefix.length;
      const end = out.indexOf(',', valueStart);
      const value = out.slice(valueStart, end < 0 ? undefined : end);
      out = `${out.slice(0, valueStart)}${String(this.value(name, value) ?? '')}${end < 0 ? '' : out.slice(end)}`;
    }
    return out;
  }
}

/** Where `part` stands as a whole `k=v` part of a reference (at its start or after a comma, up to a comma or its end). */
function findPart(ref: string, part: string): number {
  for (let at = ref.indexOf(part); at >= 0; at = ref.indexOf(part, at + 1)) {
    const after = at + part.length;
    if ((at === 0 || ref[at - 1] === ',') && (after === ref.length || ref[after] === ',')) return at;
  }
  return -1;
}

function findPrefix(ref: string, prefix: string): number {
  for (let at = ref.indexOf(prefix); at >= 0; at = ref.indexOf(prefix, at + 1)) if (at === 0 || ref[at - 1] === ',') return at;
  return -1;
}
