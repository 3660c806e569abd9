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

/** `raw[k]` is field k's value as the source wrote it; `simplify` turns traditional characters simplified. */
export function normaliseRecord(fields: readonly MatchField[], raw: readonly (string | null)[], simplify: (text: string) => string): NormalisedRecord {
  const byName: Record<string, string | null> = {};
  fields.forEach((f, k) => {
    let v = normaliseValue(f.kind, raw[k] ?? null);
    if (v !== null && (f.kind === 'personName' || f.kind === 'orgName' || f.kind === 'address')) v = simplify(v);
    byName[f.name] = v;
  });
  const repairs = repairSwaps(byName);
  const values = fields.map((f) => byName[f.name] ?? null);
  const parts = values.map((v) => v ?? '\u0000');
  hashKeyParts(
    parts,
    parts.map((_, i) => i),
    out,
  );
  return { values, repairs, digest: out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0') };
}
