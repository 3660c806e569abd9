// Runs the sample rule plans over every row of the bundled sample files and checks each row's outcome
// against the generator's ground truth (samples/data/truth.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePlan, type RowResult } from '../../../governance/rules/engine.ts';
import { CREDIT_CODE_PILOTS_TABLE, ENTERPRISES_PLAN, RESIDENTS_PLAN } from '../../../samples/rule-plans.ts';
import type { TableRuleSpec } from '../../../governance/rules/spec.ts';
import type { SampleTruth, TruthEntry } from '../../../samples/generator/manifest.ts';
import { splitCsvLine } from '../samples/read-samples.ts';

const DATA = join(import.meta.dirname, '../../../samples/data');
const truth = JSON.parse(readFileSync(join(DATA, 'truth.json'), 'utf8')) as SampleTruth;

type File = 'residents.csv' | 'enterprises.csv';

/** What the plan must do with a row carrying each defect: its outcome and the one rule responsible. */
interface Expectation {
  readonly outcome: 'clean' | 'flagged' | 'rejected';
  /** The rule that rejects or flags the row, or the normaliser that fixes it (alternatives allowed). */
  readonly rules: readonly string[];
}

const fix = (...rules: string[]): Expectation => ({ outcome: 'clean', rules });
const reject = (rule: string): Expectation => ({ outcome: 'rejected', rules: [rule] });
const flag = (rule: string): Expectation => ({ outcome: 'flagged', rules: [rule] });

const EXPECTED: Record<string, Expectation> = {
  citizen_id_bad_check: reject('citizen_id.valid'),
  citizen_id_bad_birth: reject('citizen_id.valid'),
  citizen_id_legacy15: fix('normalise.citizen_id'),
  citizen_id_lower_x: fix('normalise.citizen_id'),
  fullwidth_digits: fix('normalise.citizen_id', 'normalise.mobile'),
  mobile_formatted: fix('normalise.mobile'),
  mobile_invalid: reject('mobile.valid'),
  birth_date_format: fix('normalise.date'),
  birth_date_mismatch: reject('deep.id_birth_consistency'),
  gender_mismatch: reject('deep.id_gender_consistency'),
  street_alias: fix('normalise.value_map'),
  // 'report' in the truth: kept and counted against completeness, so published with a flag.
  null_token: flag('value.required'),
  whitespace: fix('normalise.remove_spaces'),
  duplicate: reject('deep.duplicate'),
  credit_code_bad_check: reject('credit_code.valid'),
  credit_code_lowercase: fix('normalise.credit_code'),
  credit_code_pilot: flag('credit_code.pilot'),
  capital_negative: reject('value.range'),
  established_future: reject('deep.not_future'),
  established_format: fix('normalise.date'),
};

const REASON_BY_DEFECT: Record<string, string> = {
  citizen_id_bad_check: 'citizen ID check character is wrong',
  citizen_id_bad_birth: 'citizen ID birth date is not a real date between 1900 and today',
};

interface Evaluated {
  readonly header: string[];
  readonly results: RowResult[];
  readonly keys: number[];
}

function evaluate(file: File, spec: TableRuleSpec): Evaluated {
  const { encoding } = truth.files[file];
  const text = new TextDecoder(encoding).decode(readFileSync(join(DATA, file)));
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = splitCsvLine(lines[0]!);
  const pilots = new Set(readFileSync(join(DATA, 'credit-code-pilots.txt'), 'utf8').split('\n').filter(Boolean));
  const plan = compilePlan(header, spec, { tables: { [CREDIT_CODE_PILOTS_TABLE]: pilots } });
  const state = { counters: plan.newCounters(), tracker: plan.newTracker() };
  const results: RowResult[] = [];
  const keys: number[] = [];
  for (const line of lines.slice(1)) {
    const values = splitCsvLine(line);
    const key = Number(values[0]);
    keys.push(key);
    results.push(plan.evaluateRow(values, state, key));
  }
  return { header, results, keys };
}

function firingRules(r: RowResult): string[] {
  if (r.outcome === 'rejected') return r.rejections.map((f) => f.ruleId);
  if (r.outcome === 'flagged') return r.flags.map((f) => f.ruleId);
  return [...new Set(r.fixes)];
}

function check(file: File, spec: TableRuleSpec) {
  const { header, results, keys } = evaluate(file, spec);
  const entries = truth.defectiveRows[file] as readonly TruthEntry<string>[];
  const byKey = new Map(entries.map((e) => [e.resident_id ?? e.enterprise_id!, e]));
  const counts: Record<string, Record<string, number>> = {};
  const mismatches: string[] = [];

  results.forEach((r, i) => {
    const entry = byKey.get(keys[i]!);
    const defect = entry?.defect ?? 'clean';
    const expected: Expectation = entry ? EXPECTED[entry.defect]! : { outcome: 'clean', rules: [] };
    const tally = counts[defect] ?? {};
    counts[defect] = tally;
    tally[r.outcome] = (tally[r.outcome] ?? 0) + 1;
    const rules = firingRules(r);
    const rulesOk =
      entry === undefined
        ? rules.length === 0 && r.fixes.length === 0
        : expected.outcome === 'clean'
          ? rules.length >= 1 && rules.every((id) => expected.rules.includes(id))
          : rules.length === 1 && rules[0] === expected.rules[0];
    let detailOk = true;
    if (entry?.expected !== undefined) detailOk = r.values[header.indexOf(entry.field)] === entry.expected;
    if (entry?.defect === 'duplicate') detailOk = r.duplicateOf === entry.duplicateOf && r.replaces === undefined;
    if (entry?.defect === 'null_token') detailOk = r.values[header.indexOf(entry.field)] === null;
    const reason = entry && REASON_BY_DEFECT[entry.defect];
    if (reason !== undefined) detailOk &&= r.rejections[0]?.reason.en === reason;
    if (r.outcome !== expected.outcome || !rulesOk || !detailOk) {
      mismatches.push(`line ${i + 2} (${defect}): ${r.outcome} by [${rules.join(', ')}] -> ${JSON.stringify(r.values)}`);
    }
  });
  return { counts, mismatches, results };
}

describe('sample residents (UTF-8)', () => {
  let outcome: ReturnType<typeof check>;
  beforeAll(() => {
    outcome = check('residents.csv', RESIDENTS_PLAN);
  });

  it('classifies every row as the ground truth says', () => {
    expect(outcome.mismatches).toEqual([]);
  });

  it('ends with the exact per-defect outcome counts', () => {
    expect(outcome.counts).toEqual({
      clean: { clean: 1644 },
      citizen_id_bad_check: { rejected: 17 },
      citizen_id_bad_birth: { rejected: 21 },
      citizen_id_legacy15: { clean: 17 },
      citizen_id_lower_x: { clean: 18 },
      fullwidth_digits: { clean: 17 },
      mobile_formatted: { clean: 51 },
      mobile_invalid: { rejected: 18 },
      birth_date_format: { clean: 32 },
      birth_date_mismatch: { rejected: 18 },
      gender_mismatch: { rejected: 21 },
      street_alias: { clean: 38 },
      null_token: { flagged: 35 },
      whitespace: { clean: 30 },
      duplicate: { rejected: 23 },
    });
    expect(outcome.counts.clean!.clean).toBe(truth.files['residents.csv'].clean);
  });
});

describe('sample enterprises (GBK)', () => {
  let outcome: ReturnType<typeof check>;
  beforeAll(() => {
    outcome = check('enterprises.csv', ENTERPRISES_PLAN);
  });

  it('classifies every row as the ground truth says', () => {
    expect(outcome.mismatches).toEqual([]);
  });

  it('ends with the exact per-defect outcome counts', () => {
    expect(outcome.counts).toEqual({
      clean: { clean: 415 },
      credit_code_bad_check: { rejected: 6 },
      credit_code_lowercase: { clean: 8 },
      credit_code_pilot: { flagged: 10 },
      capital_negative: { rejected: 10 },
      established_future: { rejected: 10 },
      established_format: { clean: 14 },
      street_alias: { clean: 8 },
      null_token: { flagged: 12 },
      duplicate: { rejected: 7 },
    });
    expect(outcome.counts.clean!.clean).toBe(truth.files['enterprises.csv'].clean);
  });
});
