import type { ColumnLevel } from '../catalogue/column-levels.ts';
import { displayMasker } from '../governance/masking/display.ts';
import type { Masker } from '../governance/masking/masker.ts';

type Row = Record<string, unknown>;

/**
 * The L3/L4 columns of a set of records, as the catalogue describes them, and how the CLI shows
 * their values: masked, unless the user asked to reveal them (which the caller audits first).
 */
export class PersonalColumns {
  private readonly maskers = new Map<string, Masker>();

  constructor(levels: ReadonlyMap<string, ColumnLevel>) {
    for (const [name, level] of levels) {
      const masker = displayMasker(level);
      if (masker) this.maskers.set(name, masker);
    }
  }

  /** The personal columns, in the catalogue's order. */
  get names(): string[] {
    return [...this.maskers.keys()];
  }

  /** The personal columns among a record's keys. */
  namesIn(record: Row | null | undefined): string[] {
    return record ? this.names.filter((n) => Object.hasOwn(record, n)) : [];
  }

  value(column: string, value: unknown): unknown {
    const masker = this.maskers.get(column);
    return masker ? masker(value) : value;
  }

  /** A copy of the record with the personal columns masked (the key order kept). */
  record<R extends Row | null | undefined>(record: R): R {
    if (!record || !this.maskers.size) return record;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.value(k, v)])) as R;
  }

  /**
   * A source reference (`resident_id=42` or `citizen_id=3101…,name=张三`, see sourceRefFor) with the
   * values of personal key columns masked: matched against the record's own values where it has
   * them (a value may hold a comma), else up to the next comma.
   */
  ref(ref: string | null, record?: Row | null): string | null {
    if (ref === null || !this.maskers.size) return ref;
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
