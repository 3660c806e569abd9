// Small string transforms used to inject defects.

/** ASCII 0x21..0x7E to the full-width forms U+FF01..U+FF5E (the reverse of the normaliser's rule). */
export function toFullWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x21 && c <= 0x7e ? String.fromCharCode(c + 0xfee0) : c === 0x20 ? '\u3000' : s[i];
  }
  return out;
}
