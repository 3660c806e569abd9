import { describe, expect, it } from 'vitest';
import { Converter } from 'opencc-js';
import { nameTools } from '../../../activities/fuse/name-tools.ts';

describe('nameTools().simplify', () => {
  it('agrees with OpenCC on every CJK character alone and inside a name or an address (the no-entry shortcut changes nothing)', async () => {
    const { simplify } = await nameTools();
    const opencc = Converter({ from: 't', to: 'cn' });
    const differing: string[] = [];
    const check = (text: string) => {
      if (simplify(text) !== opencc(text)) differing.push(text);
    };
    for (let c = 0x2e80; c < 0xfb00; c++) {
      const ch = String.fromCharCode(c);
      check(ch);
      check(`张${ch}`);
      check(`${ch}路`);
    }
    for (let cp = 0x20000; cp < 0x20400; cp++) check(String.fromCodePoint(cp));
    for (const text of ['陳麗華', '閔行區莘莊鎮莘松路380號', '上海市闵行区', '乾隆', '臺灣', 'ＡＢＣ', '', '𠀋一']) check(text);
    expect(differing).toEqual([]);
    expect(simplify('陳麗華')).toBe('陈丽华');
  });
});
