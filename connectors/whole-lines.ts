/**
 * The pieces of a byte stream cut at line ends, so each holds whole lines. With `finalLine`, bytes
 * after the last newline come last, newline added (a file's unterminated last line); without it they
 * are dropped (COPY output always ends its lines).
 */
export async function* wholeLines(stream: AsyncIterable<Buffer>, options: { finalLine?: boolean } = {}): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const piece of stream) {
    const bytes = carry.length ? Buffer.concat([carry, piece]) : piece;
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end === 0) {
      carry = bytes;
      continue;
    }
    carry = bytes.subarray(end);
    yield bytes.subarray(0, end);
  }
  if (options.finalLine && carry.length) yield Buffer.concat([carry, Buffer.from('\n')]);
}
