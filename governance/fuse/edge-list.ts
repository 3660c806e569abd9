// Scored pairs of records in typed arrays: millions of matches cost four arrays, not millions of objects.

export class EdgeList {
  i = new Int32Array(1024);
  j = new Int32Array(1024);
  score = new Float64Array(1024);
  /** The pair's level code (see explainLevels); 0 for a pair a reviewer joined. */
  code = new Int32Array(1024);
  length = 0;

  push(i: number, j: number, score: number, code = 0): void {
    if (this.length === this.i.length) this.grow();
    this.i[this.length] = i;
    this.j[this.length] = j;
    this.score[this.length] = score;
    this.code[this.length] = code;
    this.length++;
  }

  private grow(): void {
    const size = this.i.length * 2;
    const i = new Int32Array(size);
    const j = new Int32Array(size);
    const score = new Float64Array(size);
    const code = new Int32Array(size);
    i.set(this.i);
    j.set(this.j);
    score.set(this.score);
    code.set(this.code);
    this.i = i;
    this.j = j;
    this.score = score;
    this.code = code;
  }

  /**
   * Edge numbers by score, highest first, ties in insertion order. Scores are sums of a few field
   * weights, so there are few distinct values: one bucket per value instead of a comparison sort.
   */
  byScoreDescending(): Uint32Array {
    const buckets = new Map<number, number>();
    for (let e = 0; e < this.length; e++) buckets.set(this.score[e]!, (buckets.get(this.score[e]!) ?? 0) + 1);
    const start = new Map<number, number>();
    let at = 0;
    for (const s of [...buckets.keys()].sort((a, b) => b - a)) {
      start.set(s, at);
      at += buckets.get(s)!;
    }
    const order = new Uint32Array(this.length);
    for (let e = 0; e < this.length; e++) {
      const s = this.score[e]!;
      const k = start.get(s)!;
      order[k] = e;
      start.set(s, k + 1);
    }
    return order;
  }
}
