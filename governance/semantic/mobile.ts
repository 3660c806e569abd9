// Mainland China mobile numbers.

const CH_0 = 48;
const CH_9 = 57;

function isSeparator(c: number): boolean {
  // space, tab, NBSP, ideographic space, hyphen-minus
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000 || c === 45;
}

function isDigitsFrom(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return false;
  }
  return true;
}

/** Removes spaces and dashes, then a leading +86, 0086 or 86 country code when 11 digits follow it. */
export function normaliseMobile(raw: string): string {
  let s = raw;
  for (let i = 0; i < raw.length; i++) {
    if (isSeparator(raw.charCodeAt(i))) {
      let out = '';
      for (let j = 0; j < raw.length; j++) {
        const c = raw.charCodeAt(j);
        if (!isSeparator(c)) out += raw[j];
      }
      s = out;
      break;
    }
  }
  const len = s.length;
  if (len === 14 && s.startsWith('+86') && isDigitsFrom(s, 3)) return s.slice(3);
  if (len === 15 && s.startsWith('0086') && isDigitsFrom(s, 4)) return s.slice(4);
  if (len === 13 && s.startsWith('86') && isDigitsFrom(s, 2)) return s.slice(2);
  return s;
}

function isBareMobile(s: string): boolean {
  if (s.length !== 11 || s.charCodeAt(0) !== 49 /* 1 */) return false;
  const second = s.charCodeAt(1);
  return second >= 51 /* 3 */ && second <= CH_9 && isDigitsFrom(s, 2);
}

/** `^1[3-9]\d{9}$` after normalising. */
export function isValidMobile(value: string): boolean {
  // Fast path: the common already-clean value needs no normalising (and no allocation).
  return isBareMobile(value) || isBareMobile(normaliseMobile(value));
}
