// Value shapes ("9{11}", "AA99-9999") and a bounded counter of the most frequent ones.
import { isCjkBmp, isCjkHighSurrogate, isLowSurrogate } from '../semantic/cjk.ts';

const MAX_SCAN = 256; // code units; longer values are cut and marked with '…'
const RUN_LIMIT = 4; // runs longer than this are written as sym{n}

function flush(out: string, sym: string, run: number): string {
  if (run > RUN_LIMIT) return `${out}${sym}{${run}}`;
  return out + sym.repeat(run);
}

/**
 * Digits become '9', ASCII letters 'A' / 'a', CJK ideographs '汉'; anything else is kept. A run of
 * the same symbol longer than four is compressed, e.g. '13812345678' -> '9{11}'.
 */
export function shapeOf(value: string): string {
  const end = Math.min(value.length, MAX_SCAN);
  let out = '';
  let sym = '';
  let run = 0;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    let s: string;
    if (c >= 48 && c <= 57) s = '9';
    else if (c >= 65 && c <= 90) s = 'A';
    else if (c >= 97 && c <= 122) s = 'a';
    else if (isCjkBmp(c)) s = '汉';
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(value.charCodeAt(i + 1))) {
      s = isCjkHighSurrogate(c) ? '汉' : value.slice(i, i + 2);
      i++;
    } else s = value[i]!;
    if (s === sym) {
      run++;
    } else {
      if (run > 0) out = flush(out, sym, run);
      sym = s;
      run = 1;
    }
  }
  if (run > 0) out = flush(out, sym, run);
  return end < value.length ? `${out}…` : out;
}

export interface PatternCount {
  pattern: string;
  count: number;
  /** count / number of values given to the counter */
  share: number;
}

export interface PatternCounterState {
  capacity: number;
  total: number;
  entries: [string, number][];
}

/**
 * Space-Saving top-k counter: at most `capacity` distinct patterns are held; a new pattern arriving
 * when full evicts the least frequent one and inherits its count plus one. Counts of frequent
 * patterns are exact or slight over-estimates; that is the price of bounded memory.
 */
export class PatternCounter {
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(readonly capacity = 64) {}

  add(pattern: string): void {
    this.total++;
    const current = this.counts.get(pattern);
    if (current !== undefined) {
      this.counts.set(pattern, current + 1);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(pattern, 1);
      return;
    }
    let victim = '';
    let min = Infinity;
    for (const [p, n] of this.counts) {
      if (n < min) {
        min = n;
        victim = p;
      }
    }
    this.counts.delete(victim);
    this.counts.set(pattern, min + 1);
  }

  get size(): number {
    return this.counts.size;
  }

  /** The k most frequent patterns, ties broken by pattern text so results are reproducible. */
  top(k = 5): PatternCount[] {
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return sorted.slice(0, k).map(([pattern, count]) => ({ pattern, count, share: count / this.total }));
  }

  toState(): PatternCounterState {
    return { capacity: this.capacity, total: this.total, entries: [...this.counts] };
  }

  static fromState(state: PatternCounterState): PatternCounter {
    const c = new PatternCounter(state.capacity);
    c.total = state.total;
    for (const [p, n] of state.entries) c.counts.set(p, n);
    return c;
  }
}
