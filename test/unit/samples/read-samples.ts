// Test helpers: read generated sample files back into rows.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { SampleTruth } from '../../../samples/generator/manifest.ts';

/** One CSV line (no embedded line breaks) split per RFC 4180 quoting. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in: ${line}`);
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      field = line.slice(i, end);
      i = end;
    }
    out.push(field);
    if (i >= line.length) return out;
    if (line[i] !== ',') throw new Error(`junk after a quoted field in: ${line}`);
    i++;
  }
}

export interface CsvTable {
  readonly header: string[];
  /** Data rows as column -> value, in file order; `lines[i]` is the 1-based file line of `rows[i]`. */
  readonly rows: Record<string, string>[];
  readonly lines: number[];
}

export function parseCsv(text: string): CsvTable {
  if (!text.endsWith('\n')) throw new Error('CSV must end with a line break');
  const lines = text.slice(0, -1).split('\n');
  const header = splitCsvLine(lines[0]!);
  const rows = lines.slice(1).map((l) => {
    const cells = splitCsvLine(l);
    if (cells.length !== header.length) throw new Error(`expected ${header.length} fields: ${l}`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]!]));
  });
  return { header, rows, lines: rows.map((_, i) => i + 2) };
}

export async function readResidentsCsv(dir: string): Promise<CsvTable> {
  return parseCsv(await readFile(join(dir, 'residents.csv'), 'utf8'));
}

export async function readEnterprisesCsv(dir: string): Promise<CsvTable> {
  return parseCsv(iconv.decode(await readFile(join(dir, 'enterprises.csv')), 'gbk'));
}

export async function readTruth(dir: string): Promise<SampleTruth> {
  return JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as SampleTruth;
}
