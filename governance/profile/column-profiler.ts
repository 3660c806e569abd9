// Single-pass column profiling. `add` runs once per cell, so it avoids allocation and regexes.
import { detectSemanticType, validatorFor, type SemanticType } from '../semantic/detect.ts';
import { HyperLogLog } from './hll.ts';
import { PatternCounter, shapeOf, type PatternCount, type PatternCounterState } from './patterns.ts';
import { TypeInference, type PgType, type TypeInferenceState } from './type-inference.ts';

/** Non-null values buffered before the semantic type is decided. */
export const SEMANTIC_SAMPLE_SIZE = 1000;
/** Every non-null value feeds the pattern counter up to here; after that every 64th. */
export const PATTERN_FULL_SAMPLE = 10_000;
const PATTERN_STRIDE_MASK = 63;
const TOP_PATTERNS = 5;

export interface ColumnProfile {
  name: string;
  rows: number;
  nulls: number;
  nullRate: number;
  distinctEstimate: number;
  /** Numeric order when the inferred type is numeric, else UTF-16 code-unit order. */
  min: string | null;
  max: string | null;
  /** In UTF-16 code units, so never below PostgreSQL's char_length. */
  minLength: number | null;
  maxLength: number | null;
  /** Type inference's verdict, except that identifier semantic types (IDs, mobiles) are always text. */
  inferredType: PgType;
  semanticType: SemanticType | null;
  /** Non-null values tested with the semantic type's validator (all of them once a type is found). */
  semanticChecked: number;
  semanticValid: number;
  /** Shares are of the sampled values (see PATTERN_FULL_SAMPLE). */
  topPatterns: PatternCount[];
}

export type ColumnTypeHint = Pick<ColumnProfile, 'rows' | 'nulls' | 'semanticType' | 'inferredType'>;

export interface ColumnProfileState {
  version: 1;
  name: string;
  rows: number;
  nulls: number;
  minLength: number;
  maxLength: number;
  min: string | null;
  max: string | null;
  numMin: string | null;
  numMax: string | null;
  hll: string;
  types: TypeInferenceState;
  patterns: PatternCounterState;
  /** Buffered values while the semantic type is undecided; null once decided. */
  semanticSample: string[] | null;
  semanticType: SemanticType | null;
  semanticChecked: number;
  semanticValid: number;
}

const NUMERIC_TYPES: ReadonlySet<PgType> = new Set(['integer', 'bigint', 'numeric']);
// Identifiers stay text even when every value is a plain integer (11-digit mobiles, 15-digit legacy
// IDs): arithmetic on them is meaningless and a numeric column would lose any later leading zero.
const IDENTIFIER_TYPES: ReadonlySet<SemanticType> = new Set(['citizen_id', 'credit_code', 'mobile']);

export class ColumnProfiler {
  readonly name: string;
  private rows = 0;
  private nulls = 0;
  private nonNull = 0;
  private minLength = Infinity;
  private maxLength = -1;
  private min = '';
  private max = '';
  private numMin = Infinity;
  private numMax = -Infinity;
  private numMinText = '';
  private numMaxText = '';
  private hll = new HyperLogLog();
  private types = new TypeInference();
  private patterns = new PatternCounter();
  private sample: string[] | null = [];
  private semanticType: SemanticType | null = null;
  private validator: ((v: string) => boolean) | null = null;
  private semanticChecked = 0;
  private semanticValid = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** null and '' both count as null. */
  add(value: string | null): void {
    this.rows++;
    if (value === null || value.length === 0) {
      this.nulls++;
      return;
    }
    const n = ++this.nonNull;
    const len = value.length;
    if (len < this.minLength) this.minLength = len;
    if (len > this.maxLength) this.maxLength = len;
    if (n === 1) {
      this.min = value;
      this.max = value;
    } else if (value < this.min) {
      this.min = value;
    } else if (value > this.max) {
      this.max = value;
    }
    this.hll.add(value);

    const types = this.types;
    types.add(value);
    if (types.numericAlive) {
      const x = types.lastNumber;
      if (x < this.numMin) {
        this.numMin = x;
        this.numMinText = value;
      }
      if (x > this.numMax) {
        this.numMax = x;
        this.numMaxText = value;
      }
    }

    if (n <= PATTERN_FULL_SAMPLE || (n & PATTERN_STRIDE_MASK) === 0) this.patterns.add(shapeOf(value));

    const sample = this.sample;
    if (sample !== null) {
      sample.push(value);
      if (sample.length === SEMANTIC_SAMPLE_SIZE) this.decideSemanticType(sample);
    } else if (this.validator !== null) {
      this.semanticChecked++;
      if (this.validator(value)) this.semanticValid++;
    }
  }

  private decideSemanticType(sample: readonly string[]): void {
    const decided = decide(sample);
    this.semanticType = decided.type;
    this.validator = decided.type === null ? null : validatorFor(decided.type);
    this.semanticChecked = decided.checked;
    this.semanticValid = decided.valid;
    this.sample = null;
  }

  /** What the column's storage type depends on, without the cost of a full `result()`. */
  typeHint(): ColumnTypeHint {
    const semanticType = this.sample !== null ? decide(this.sample).type : this.semanticType;
    const inferredType: PgType = semanticType !== null && IDENTIFIER_TYPES.has(semanticType) ? 'text' : this.types.result();
    return { rows: this.rows, nulls: this.nulls, semanticType, inferredType };
  }

  result(): ColumnProfile {
    // A column with fewer non-null values than the sample size is judged on what it has.
    const semantic = this.sample !== null ? decide(this.sample) : { type: this.semanticType, checked: this.semanticChecked, valid: this.semanticValid };
    const inferredType: PgType = semantic.type !== null && IDENTIFIER_TYPES.has(semantic.type) ? 'text' : this.types.result();
    const any = this.nonNull > 0;
    const numeric = any && NUMERIC_TYPES.has(inferredType);
    return {
      name: this.name,
      rows: this.rows,
      nulls: this.nulls,
      nullRate: this.rows === 0 ? 0 : this.nulls / this.rows,
      distinctEstimate: Math.min(Math.round(this.hll.estimate()), this.nonNull),
      min: !any ? null : numeric ? this.numMinText : this.min,
      max: !any ? null : numeric ? this.numMaxText : this.max,
      minLength: any ? this.minLength : null,
      maxLength: any ? this.maxLength : null,
      inferredType,
      semanticType: semantic.type,
      semanticChecked: semantic.checked,
      semanticValid: semantic.valid,
      topPatterns: this.patterns.top(TOP_PATTERNS),
    };
  }

  /** Plain JSON; `fromState(JSON.parse(JSON.stringify(p.toState())))` continues exactly where p was. */
  toState(): ColumnProfileState {
    const any = this.nonNull > 0;
    const numeric = any && this.types.numericAlive;
    return {
      version: 1,
      name: this.name,
      rows: this.rows,
      nulls: this.nulls,
      minLength: any ? this.minLength : -1,
      maxLength: this.maxLength,
      min: any ? this.min : null,
      max: any ? this.max : null,
      numMin: numeric ? this.numMinText : null,
      numMax: numeric ? this.numMaxText : null,
      hll: this.hll.toBase64(),
      types: this.types.toState(),
      patterns: this.patterns.toState(),
      semanticSample: this.sample === null ? null : [...this.sample],
      semanticType: this.semanticType,
      semanticChecked: this.semanticChecked,
      semanticValid: this.semanticValid,
    };
  }

  static fromState(state: ColumnProfileState): ColumnProfiler {
    if (state.version !== 1) throw new RangeError(`unsupported column profile state version ${String(state.version)}`);
    const p = new ColumnProfiler(state.name);
    p.rows = state.rows;
    p.nulls = state.nulls;
    p.nonNull = state.rows - state.nulls;
    if (p.nonNull > 0) {
      p.minLength = state.minLength;
      p.maxLength = state.maxLength;
      p.min = state.min ?? '';
      p.max = state.max ?? '';
    }
    if (state.numMin !== null && state.numMax !== null) {
      p.numMinText = state.numMin;
      p.numMaxText = state.numMax;
      p.numMin = Number(state.numMin);
      p.numMax = Number(state.numMax);
    }
    p.hll = HyperLogLog.fromBase64(state.hll);
    p.types = TypeInference.fromState(state.types);
    p.patterns = PatternCounter.fromState(state.patterns);
    p.sample = state.semanticSample === null ? null : [...state.semanticSample];
    p.semanticType = state.semanticType;
    p.validator = state.semanticType === null ? null : validatorFor(state.semanticType);
    p.semanticChecked = state.semanticChecked;
    p.semanticValid = state.semanticValid;
    return p;
  }
}

function decide(sample: readonly string[]): { type: SemanticType | null; checked: number; valid: number } {
  const type = detectSemanticType(sample);
  if (type === null) return { type, checked: 0, valid: 0 };
  const valid = validatorFor(type);
  let count = 0;
  for (const v of sample) if (valid(v)) count++;
  return { type, checked: sample.length, valid: count };
}

export interface TableProfileState {
  version: 1;
  columns: ColumnProfileState[];
}

/** One ColumnProfiler per column; a row's missing trailing values count as null, extra ones are ignored. */
export class TableProfiler {
  private readonly profilers: ColumnProfiler[];

  constructor(columnNames: readonly string[]) {
    this.profilers = columnNames.map((name) => new ColumnProfiler(name));
  }

  get columns(): readonly ColumnProfiler[] {
    return this.profilers;
  }

  addRow(values: readonly (string | null | undefined)[]): void {
    const columns = this.profilers;
    for (let i = 0; i < columns.length; i++) columns[i]!.add(values[i] ?? null);
  }

  toState(): TableProfileState {
    return { version: 1, columns: this.profilers.map((c) => c.toState()) };
  }

  static fromState(state: TableProfileState): TableProfiler {
    if (state.version !== 1) throw new RangeError(`unsupported table profile state version ${String(state.version)}`);
    const t = new TableProfiler([]);
    for (const c of state.columns) t.profilers.push(ColumnProfiler.fromState(c));
    return t;
  }

  typeHints(): ColumnTypeHint[] {
    return this.profilers.map((p) => p.typeHint());
  }

  results(): ColumnProfile[] {
    return this.profilers.map((c) => c.result());
  }
}
