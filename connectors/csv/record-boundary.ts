const LF = 0x0a;

/**
 * Byte index just after the last complete record in `bytes` (a newline outside quotes), or 0 when
 * there is none. `bytes` must start at a record boundary. Works on raw bytes for UTF-8 and GBK alike:
 * in both, the quote and newline bytes never occur inside a multi-byte character.
 */
export function lastRecordEnd(bytes: Uint8Array, quote: number): number {
  if (bytes.indexOf(quote) === -1) return bytes.lastIndexOf(LF) + 1;
  let inQuotes = false;
  let end = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === quote) inQuotes = !inQuotes;
    else if (b === LF && !inQuotes) end = i + 1;
  }
  return end;
}
