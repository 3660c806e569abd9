// Micro-benchmark of the rule engine's per-row path: a 10-column resident row, 11 rules (4 normalisers,
// 5 validators, 2 record-level checks), with and without latest-wins de-duplication; then value.regex
// (re2js, linear time) against a native RegExp on the same values.
// Run with: npx tsx bench/rules.bench.ts
import { compilePlan, type EvaluationState } from '../governance/rules/engine.ts';
import { MINHANG_STREET_ALIAS_MAP, MINHANG_STREET_NAMES } from '../samples/generator/minhang.ts';
import type { TableRuleSpec } from '../governance/rules/spec.ts';
import { regexValidator } from '../governance/rules/validators.ts';
import { citizenIdCheckChar } from '../governance/semantic/citizen-id.ts';
import { median, peakRssMb } from './bench-utils.ts';

const ROWS = 1_000_000;
const RUNS = 5;
const COLUMNS = ['resident_id', 'name', 'citizen_id', 'gender', 'birth_date', 'mobile', 'street', 'address', 'registered_at', 'updated_at'];

const RULES: TableRuleSpec = {
  columns: {
    name: { normalise: ['remove_spaces'] },
    citizen_id: { normalise: ['citizen_id'], validate: ['citizen_id.valid'] },
    gender: { validate: [{ rule: 'value.enum', params: { values: ['男', '女'] } }] },
    birth_date: { normalise: ['date'], validate: ['date.valid'] },
    mobile: { normalise: ['mobile'], validate: ['mobile.valid'] },
    street: {
      normalise: [{ rule: 'value_map', params: { map: MINHANG_STREET_ALIAS_MAP } }],
      validate: [{ rule: 'value.code_table', params: { values: MINHANG_STREET_NAMES } }],
    },
  },
  deep: [
    { rule: 'deep.id_birth_consistency', params: { citizenId: 'citizen_id', birthDate: 'birth_date' } },
    { rule: 'deep.id_gender_consistency', params: { citizenId: 'citizen_id', gender: 'gender' } },
  ],
};
const WITH_DEDUP: TableRuleSpec = { ...RULES, dedup: { key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated_at' } };

function xorshift32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// Decoders hand over flat strings; template literals make ropes, so flatten what we generate.
function flat(v: string): string {
  return Buffer.from(v, 'utf8').toString('utf8');
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '欧阳'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '杰'];
const ROADS = ['江川路', '古美路', '七莘路', '沪闵路', '莘松路', '虹梅路'];
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** `size` rows with distinct citizen IDs; about 6% carry a fixable or rejectable defect. */
function makeRows(size: number): (string | null)[][] {
  const rand = xorshift32(20261126);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const rows: (string | null)[][] = [];
  for (let i = 0; i < size; i++) {
    const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 1000) * 86_400_000 * 7);
    const y = day.getUTCFullYear();
    const m = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    const seq = i % 1000;
    const male = seq % 2 === 1;
    const first17 = `310112${y}${pad(m, 2)}${pad(d, 2)}${pad(seq, 3)}`;
    const street = pick(MINHANG_STREET_NAMES);
    const r = rand();
    rows.push(
      [
        String(i + 1),
        pick(SURNAMES) + pick(GIVEN) + (r < 0.5 ? pick(GIVEN) : ''),
        first17 + (r < 0.01 ? '0' : citizenIdCheckChar(first17)),
        r > 0.99 ? (male ? '女' : '男') : male ? '男' : '女',
        r > 0.02 && r < 0.04 ? `${y}/${m}/${d}` : `${y}-${pad(m, 2)}-${pad(d, 2)}`,
        r > 0.04 && r < 0.06 ? `+86 1${pick(['38', '59', '86'])}-${pad(int(1e4), 4)}-${pad(int(1e4), 4)}` : `1${pick(['38', '59', '86'])}${pad(int(1e8), 8)}`,
        r > 0.06 && r < 0.07 ? street.replace(/(?:路街道|街道|镇)$/, '') : street,
        `上海市闵行区${pick(ROADS)}${1 + int(999)}弄${1 + int(60)}号${1 + int(18)}0${1 + int(6)}室`,
        `2015-0${1 + int(9)}-1${int(10)}T0${int(10)}:1${int(10)}:00+08:00`,
        `2024-0${1 + int(9)}-1${int(10)}T0${int(10)}:2${int(10)}:00+08:00`,
      ].map(flat),
    );
  }
  return rows;
}

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
}

let sink = 0;

function baseline(pool: readonly (string | null)[][]): void {
  const n = pool.length;
  for (let r = 0; r < ROWS; r++) {
    const out = pool[r % n]!.slice();
    sink += out.length;
  }
}

function evaluate(pool: readonly (string | null)[][], spec: TableRuleSpec): void {
  const plan = compilePlan(COLUMNS, spec);
  const state: EvaluationState = { counters: plan.newCounters(), ...(spec.dedup ? { tracker: plan.newTracker() } : {}) };
  const n = pool.length;
  let rejected = 0;
  for (let r = 0; r < ROWS; r++) {
    if (plan.evaluateRow(pool[r % n]!, state, r).outcome === 'rejected') rejected++;
  }
  sink += rejected;
}

function report(label: string, pool: readonly (string | null)[][], spec: TableRuleSpec): void {
  const base: number[] = [];
  const rules: number[] = [];
  baseline(pool);
  evaluate(pool, spec);
  for (let run = 0; run < RUNS; run++) {
    base.push(timeIt(() => baseline(pool)));
    rules.push(timeIt(() => evaluate(pool, spec)));
  }
  const b = median(base) / ROWS;
  const e = median(rules) / ROWS;
  console.log(`\n${label}`);
  console.log(`  baseline (copy values): ${b.toFixed(0)} ns/row`);
  console.log(`  evaluateRow:            ${e.toFixed(0)} ns/row  (${(1e9 / e / 1e6).toFixed(2)} M rows/s)`);
  console.log(`  ratio rules/baseline:   ${(e / b).toFixed(1)}x`);
  console.log(`  runs (ms): rules ${rules.map((t) => (t / 1e6).toFixed(0)).join(', ')}; baseline ${base.map((t) => (t / 1e6).toFixed(0)).join(', ')}`);
}

const REGEX_CASES: readonly { column: string; pattern: string; flags?: string }[] = [
  { column: 'mobile', pattern: '^1[3-9]\\d{9}$' },
  { column: 'name', pattern: '^[\\u4e00-\\u9fa5]{2,4}$' },
  { column: 'address', pattern: '^上海市闵行区.+(?:路|街)\\d+弄' },
  { column: 'registered_at', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+08:00$', flags: 'i' },
];

function testAll(values: readonly string[], test: (v: string) => boolean): number {
  let hits = 0;
  for (let r = 0; r < ROWS; r++) if (test(values[r % values.length]!)) hits++;
  return hits;
}

/** ns per value of value.regex as the engine runs it (re2js) and of a native RegExp.test on the same values. */
function reportRegex(pool: readonly (string | null)[][]): void {
  console.log(`\nvalue.regex, ${ROWS.toLocaleString('en')} values per run from the 10,000-row pool, median of ${RUNS} runs`);
  for (const { column, pattern, flags } of REGEX_CASES) {
    const at = COLUMNS.indexOf(column);
    const values = pool.map((row) => row[at]!);
    const validate = regexValidator(pattern, flags);
    const native = new RegExp(pattern, flags);
    const linear = (v: string) => validate(v) === null;
    const nativeTest = (v: string) => native.test(v);
    const hits = testAll(values, linear);
    if (hits !== testAll(values, nativeTest)) throw new Error(`re2js and RegExp disagree on /${pattern}/`);
    const re2: number[] = [];
    const v8: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      re2.push(timeIt(() => (sink += testAll(values, linear))));
      v8.push(timeIt(() => (sink += testAll(values, nativeTest))));
    }
    const a = median(re2) / ROWS;
    const b = median(v8) / ROWS;
    console.log(`  ${column} /${pattern}/${flags ?? ''} (${((100 * hits) / ROWS).toFixed(0)}% match)`);
    console.log(`    re2js ${a.toFixed(0)} ns/value, RegExp ${b.toFixed(0)} ns/value (${(a / b).toFixed(1)}x)`);
  }
}

console.log(`${ROWS.toLocaleString('en')} rows x ${COLUMNS.length} columns per run, 11 rules; median of ${RUNS} runs`);
const warm = makeRows(10_000);
report('pool of 10,000 rows (cache-warm, like a decoded batch), no dedup', warm, RULES);
reportRegex(warm);
const cold = makeRows(ROWS);
report('1,000,000 distinct rows, no dedup', cold, RULES);
report('1,000,000 distinct rows, dedup latest by updated_at', cold, WITH_DEDUP);
console.log(`\npeak RSS ${peakRssMb().toFixed(0)} MB`);
if (sink === 42) console.log('');
