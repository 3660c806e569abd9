import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topLevelValueTexts } from '../../../governance/json/raw-values.ts';
import { openNdjsonFile } from '../../../connectors/ndjson/ndjson-file-reader.ts';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';

describe('topLevelValueTexts', () => {
  it('returns each value as written, nested ones whole', () => {
    const line = ' { "id" : 12345678901234567890, "amount":1.10,"tags":[1, {"x": "]}"}], "s":"a\\"},b", "n": null , "t":true, "e":-1.5e+300 } ';
    expect(Object.fromEntries(topLevelValueTexts(line))).toEqual({
      id: '12345678901234567890',
      amount: '1.10',
      tags: '[1, {"x": "]}"}]',
      s: '"a\\"},b"',
      n: 'null',
      t: 'true',
      e: '-1.5e+300',
    });
  });
  it('keeps the last of a repeated key, as JSON.parse does', () => {
    expect(topLevelValueTexts('{"a":1,"a":2}').get('a')).toBe('2');
    expect(topLevelValueTexts('{}').size).toBe(0);
  });
  it('finds every generated number exactly, whatever strings surround it', () => {
    const random = mulberry32(7);
    const pieces = ['"', '\\\\', ',', '}', '{', ']', ':', ' ', 'a', '莘'];
    for (let round = 0; round < 300; round++) {
      const record: Record<string, string> = {};
      let line = '{';
      for (let k = 0; k < 5; k++) {
        const number = `${random() < 0.5 ? '-' : ''}${Math.floor(random() * 1e9)}${Math.floor(random() * 1e9)}${random() < 0.5 ? '.50' : ''}`;
        let text = '';
        for (let n = Math.floor(random() * 6); n > 0; n--) text += pieces[Math.floor(random() * pieces.length)];
        line += `${k ? ',' : ''}"n${k}":${number},"s${k}":${JSON.stringify(text)}`;
        record[`n${k}`] = number;
        record[`s${k}`] = JSON.stringify(text);
      }
      line += '}';
      // The generated line is JSON whose strings read back as generated.
      const parsed = JSON.parse(line) as Record<string, unknown>;
      for (const [key, text] of Object.entries(record)) if (key.startsWith('s')) expect(parsed[key]).toBe(JSON.parse(text));
      expect(Object.fromEntries(topLevelValueTexts(line))).toEqual(record);
    }
  });
});

describe('NDJSON reader', () => {
  it('keeps long integers, decimal scale and nested values exactly as the file has them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataops-ndjson-'));
    const path = join(dir, 'big.ndjson');
    writeFileSync(
      path,
      '{"id":9007199254740993,"amount":1.10,"meta":{"k": [1, 2.50]},"ok":true,"name":"莘庄"}\n{"id":2,"amount":null,"meta":null,"ok":false,"name":"x"}\n',
    );
    const reader = await openNdjsonFile(path);
    const rows = [];
    for await (const chunk of reader.chunks()) rows.push(...chunk.rows);
    await reader.close();
    expect(rows).toEqual([
      ['9007199254740993', '1.10', '{"k": [1, 2.50]}', 'true', '莘庄'],
      ['2', null, null, 'false', 'x'],
    ]);
  });

  it('refuses a line that is JSON but not an object, naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataops-ndjson-'));
    for (const [name, second] of [
      ['number', '5'],
      ['null', 'null'],
      ['array', '[1]'],
    ]) {
      const path = join(dir, `${name}.ndjson`);
      writeFileSync(path, `{"id":1}\n${second}\n`);
      const reader = await openNdjsonFile(path);
      await expect(async () => {
        for await (const _ of reader.chunks());
      }).rejects.toThrow(`${name}.ndjson line 2: expected a JSON object`);
      await reader.close();
    }
  });
});
