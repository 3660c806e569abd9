// One source record's raw values → its governed values for matching and the golden record.
import { hashKeyParts } from '../rules/key-hash.ts';
import { normaliseValue } from './field-kinds.ts';
import type { MatchField } from './match-records.ts';
import { repairSwaps, type SwapRepair } from './repair-swaps.ts';

export interface NormalisedRecord {
  values: (string | null)[];
  repairs: SwapRepair[];
  /** 64-bit hex digest of the governed values: equal digests, unchanged record. */
  digest: string;
}

const out = new Uint32Array(2);
/** Field name → position, per field list (built once, not once per record). */
const positions = new WeakMap<readonly MatchField[], Map<string, number>>();

function positionsOf(fields: readonly MatchField[]): Map<string, number> {
  let at = positions.get(fields);
  if (!at) {
    at = new Map(fields.map((f, k) => [f.name, k]));
    positions.set(fields, at);
  }
  return at;
}

/** `raw[k]` is field k's value as the source wrote it; `simplify` turns traditional characters simplified. */
export function normaliseRecord(fields: readonly MatchField[], raw: readonly (string | null)[], simplify: (text: string) => string): NormalisedRecord {
  const govern = (kind: MatchField['kind'], value: string | null): string | null => {
    const v = normaliseValue(kind, value);
    return v !== null && (kind === 'personName' || kind === 'orgName' || kind === 'address') ? simplify(v) : v;
  };
  const byName: Record<string, string | null> = {};
  const at = positionsOf(fields);
  for (let k = 0; k < fields.length; k++) byName[fields[k]!.name] = govern(fields[k]!.kind, raw[k] ?? null);
  const rawOf = (field: string) => {
    const k = at.get(field);
    return k === undefined ? null : (raw[k] ?? null);
  };
  const repairs = repairSwaps(byName, (of, as) => govern(fields[at.get(as)!]!.kind, raw[at.get(of)!] ?? null), rawOf);
  const values = fields.map((f) => byName[f.name] ?? null);
  const parts = values.map((v) => v ?? '\u0000');
  hashKeyParts(
    parts,
    parts.map((_, i) => i),
    out,
  );
  return { values, repairs, digest: out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0') };
}
