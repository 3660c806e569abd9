// Micro-benchmark of the column profiler's hot path: 1,000,000 rows x 10 columns of realistic strings.
import { mulberry32 } from '../samples/generator/mulberry32.ts';
// Run with: npx tsx bench/profiler.bench.ts
import { TableProfiler } from '../governance/profile/column-profiler.ts';
import { citizenIdCheckChar } from '../governance/semantic/citizen-id.ts';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../governance/semantic/credit-code.ts';

const ROWS = 1_000_000;
const RUNS = 5;
// Rows are generated up front and cycled through, so generation is not measured. Two pool sizes:
// a 10,000-row pool stays in cache like a batch a connector has just decoded; a 200,000-row pool
// (about 2 million strings) makes nearly every cell a cache miss, the pessimistic case.
const POOLS = [10_000, 200_000];

const COLUMNS = ['id', 'citizen_id', 'name', 'mobile', 'amount', 'opened_on', 'active', 'credit_code', 'address', 'email'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '欧阳'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明'];
const STREETS = ['江川路', '古美路', '七莘路', '沪闵路', '莘松路', '虹梅路', '剑川路', '东川路'];
const TOWNS = ['莘庄镇', '七宝镇', '颛桥镇', '华漕镇', '虹桥镇', '梅陇镇', '吴泾镇', '马桥镇', '浦江镇'];

function makePool(size: number): (string | null)[][] {
  const rand = mulberry32(42);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const rows: (string | null)[][] = [];
  for (let i = 0; i < size; i++) {
    const id17 = `310112${1940 + int(80)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}${pad(int(1000), 3)}`;
    let cc17 = '91310112';
    for (let k = 0; k < 9; k++) cc17 += CREDIT_CODE_ALPHABET[int(31)];
    rows.push([
      String(i + 1),
      id17 + citizenIdCheckChar(id17),
      pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : ''),
      rand() < 0.05 ? null : `1${pick(['35', '38', '39', '50', '58', '86', '88', '77'])}${pad(int(1e8), 8)}`,
      (int(10_000_000) / 100).toFixed(2),
      `20${pad(int(24), 2)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}`,
      rand() < 0.8 ? 't' : 'f',
      cc17 + creditCodeCheckChar(cc17),
      `上海市闵行区${pick(TOWNS)}${pick(STREETS)}${1 + int(2000)}弄${1 + int(80)}号`,
      rand() < 0.3 ? '' : `user${int(1e6)}@${pick(['example.com', 'mh.gov.cn', '163.com', 'qq.com'])}`,
    ]);
  }
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
}

// Decoders (COPY text, CSV, Arrow) hand over flat strings; rebuild the generated ones (template
// literals make rope strings) so the benchmark sees the same representation.
function flat(v: string | null): string | null {
  return v === null ? null : Buffer.from(v, 'utf8').toString('utf8');
}

const cells = ROWS * COLUMNS.length;
let sink = 0;

function baseline(pool: (string | null)[][]): void {
  const n = pool.length;
  let total = 0;
  for (let r = 0; r < ROWS; r++) {
    const row = pool[r % n]!;
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      total += v == null ? 0 : v.length;
    }
  }
  sink += total;
}

function profile(pool: (string | null)[][]): TableProfiler {
  const n = pool.length;
  const t = new TableProfiler(COLUMNS);
  for (let r = 0; r < ROWS; r++) t.addRow(pool[r % n]!);
  return t;
}

console.log(`${ROWS.toLocaleString('en')} rows x ${COLUMNS.length} columns = ${cells.toLocaleString('en')} cells per run; median of ${RUNS} runs`);
let last: TableProfiler | null = null;
for (const size of POOLS) {
  const pool = makePool(size).map((row) => row.map(flat));
  const baseTimes: number[] = [];
  const profTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    baseTimes.push(timeIt(() => baseline(pool)));
    profTimes.push(timeIt(() => (last = profile(pool))));
  }
  const baseNs = median(baseTimes) / cells;
  const profNs = median(profTimes) / cells;
  console.log(`\npool of ${size.toLocaleString('en')} distinct rows`);
  console.log(`  baseline (sum lengths):  ${baseNs.toFixed(1)} ns/cell`);
  console.log(`  TableProfiler.addRow:    ${profNs.toFixed(1)} ns/cell`);
  console.log(`  ratio profiler/baseline: ${(profNs / baseNs).toFixed(1)}x`);
  console.log(
    `  runs (ms): profiler ${profTimes.map((t) => (t / 1e6).toFixed(0)).join(', ')}; baseline ${baseTimes.map((t) => (t / 1e6).toFixed(0)).join(', ')}`,
  );
}

console.log('\nlast profile:');
for (const r of (last as TableProfiler | null)?.results() ?? []) {
  const semantic = r.semanticType ? ` ${r.semanticType} ${r.semanticValid}/${r.semanticChecked} valid` : '';
  console.log(`  ${r.name}: ${r.inferredType}${semantic}, distinct ~${r.distinctEstimate}, nulls ${r.nulls}`);
}
if (sink === 42) console.log('');
