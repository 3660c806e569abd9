import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { MINHANG_STREET_NAMES } from './minhang.ts';

export const WIDE_CSV_COLUMNS = ['id', 'name', 'citizen_id', 'mobile', 'street', 'address', 'birth_date', 'income', 'registered_at', 'note'];
const STREETS = MINHANG_STREET_NAMES;

/** A deterministic 10-column CSV of `rows` rows (ids 1..rows); every 50th note is null. */
export async function writeWideCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${WIDE_CSV_COLUMNS.join(',')}\n`);
  let buffer = '';
  for (let i = 1; i <= rows; i++) {
    const street = STREETS[i % STREETS.length]!;
    const day = String((i % 28) + 1).padStart(2, '0');
    buffer += `${i},居民${i},3101121990${String(i % 100000).padStart(6, '0')}${i % 10},139${String(i).padStart(8, '0')},${street},"上海市闵行区${street}${i % 999}号, ${i % 30}室",1990-03-${day},${(i % 100000) / 10},2026-01-${day}T08:00:00+08:00,${i % 50 === 0 ? '' : `note ${i}`}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.write(buffer);
  out.end();
  await once(out, 'finish');
}
