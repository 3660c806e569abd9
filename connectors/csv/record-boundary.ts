const LF = 0x0a;

/**
 * Byte index just after the last complete record in `bytes` (a newline outside quotes), or 0 when
 * there is none. `bytes` must start at a record boundary. Works on raw bytes for UTF-8 and GBK alike:
 * in both, the quote and newline bytes never occur inside a multi-byte character.
 *
 * Hops from quote to quote with the native `indexOf` instead of visiting every byte; only the
 * stretches outside quotes are searched for newlines, from the end.
 */
export function lastRecordEnd(bytes: Uint8Array, quote: number): number {
  let q = bytes.indexOf(quote);
  if (q === -1) return bytes.lastIndexOf(LF) + 1;
  // Starts of the stretches outside quotes, and their ends (exclusive).
  const starts: number[] = [0];
  const ends: number[] = [];
  let inQuotes = false;
  while (q !== -1) {
    if (inQuotes) starts.push(q + 1);
    else ends.push(q);
    inQuotes = !inQuotes;
    q = bytes.indexOf(quote, q + 1);
  }
  if (!inQuotes) ends.push(bytes.length);
  for (let i = ends.length - 1; i >= 0; i--) {
    const end = ends[i]!;
    const start = starts[i]!;
    if (end === start) continue;
    const lf = bytes.lastIndexOf(LF, end - 1);
    if (lf >= start) return lf + 1;
  }
  return 0;
}
