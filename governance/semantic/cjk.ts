// CJK ideograph detection on UTF-16 code units.

/** BMP ideographs: Unified (U+4E00..9FFF), Extension A (U+3400..4DBF), Compatibility (U+F900..FAFF). */
export function isCjkBmp(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** High surrogate of planes 2-3 (U+20000..3FFFF: Extensions B-H, where many rare name characters live). */
export function isCjkHighSurrogate(c: number): boolean {
  return c >= 0xd840 && c <= 0xd8bf;
}

export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Counts ideographs when `s` consists only of ideographs (surrogate pairs count once); -1 otherwise.
 */
export function cjkLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isCjkBmp(c)) {
      n++;
    } else if (isCjkHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
      n++;
      i++;
    } else {
      return -1;
    }
  }
  return n;
}
