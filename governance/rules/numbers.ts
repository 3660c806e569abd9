// Strict decimal parsing: `Number()` also accepts '', ' 1 ', '0x1F', '1e3' and 'Infinity', none of which
// belongs in a numeric column of a register.

/** Parses `-?digits(.digits)?` (a leading + allowed); NaN for anything else. */
export function parseDecimal(s: string): number {
  const len = s.length;
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 45 || first === 43) i = 1;
  let digits = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) break;
    if (c < 48 || c > 57) return Number.NaN;
    digits++;
  }
  if (digits === 0) return Number.NaN;
  if (i < len) {
    let fraction = 0;
    for (i++; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return Number.NaN;
      fraction++;
    }
    if (fraction === 0) return Number.NaN;
  }
  return Number(s);
}
