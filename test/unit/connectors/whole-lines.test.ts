import { describe, expect, it } from 'vitest';
import { wholeLines } from '../../../connectors/whole-lines.ts';

async function pieces(parts: string[], finalLine?: boolean): Promise<string[]> {
  const out: string[] = [];
  async function* source() {
    for (const p of parts) yield Buffer.from(p);
  }
  for await (const piece of wholeLines(source(), { finalLine })) out.push(piece.toString());
  return out;
}

describe('wholeLines', () => {
  it('cuts pieces at line ends, carrying a split line (and a split UTF-8 character) into the next piece', async () => {
    const bytes = Buffer.from('居民\n甲');
    expect(await pieces(['a\tb\nc', '\td\n', 'e\n'])).toEqual(['a\tb\n', 'c\td\n', 'e\n']);
    const out: Buffer[] = [];
    async function* raw() {
      yield bytes.subarray(0, 4);
      yield bytes.subarray(4);
    }
    for await (const piece of wholeLines(raw(), { finalLine: true })) out.push(piece);
    expect(out.map((b) => b.toString('utf8'))).toEqual(['居民\n', '甲\n']);
  });

  it('drops an unterminated tail unless finalLine asks for it', async () => {
    expect(await pieces(['x\ny'])).toEqual(['x\n']);
    expect(await pieces(['x\ny'], true)).toEqual(['x\n', 'y\n']);
    expect(await pieces(['no newline at all'], true)).toEqual(['no newline at all\n']);
  });
});
