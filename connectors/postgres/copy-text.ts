import type { Field } from '../source-chunk.ts';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One value in PostgreSQL's COPY text format. */
export function escapeCopyText(value: Field): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function copyTextRow(values: Field[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + escapeCopyText(values[i] ?? null);
  return `${line}\n`;
}

const UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescapeCopyText(value: string): string {
  return value.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, seq: string) => {
    if (seq[0] === 'x') return String.fromCharCode(parseInt(seq.slice(1), 16));
    if (/^[0-7]/.test(seq)) return String.fromCharCode(parseInt(seq, 8));
    return UNESCAPES[seq] ?? seq;
  });
}

/**
 * Parses complete lines of COPY text output (the text ends with a newline). With `lines`, also keeps
 * each row's line as read, so an unchanged row can be written back without re-escaping.
 */
export function parseCopyText(text: string, lines?: string[]): Field[][] {
  const rows: Field[][] = [];
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const line = text.slice(pos, end);
    lines?.push(line);
    const fields = line.split('\t') as Field[];
    // Nulls (\N) and escapes both need a backslash: a line without one is final as split.
    if (line.indexOf('\\') !== -1)
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        if (f === '\\N') fields[i] = null;
        else if (f.indexOf('\\') !== -1) fields[i] = unescapeCopyText(f);
      }
    rows.push(fields);
    pos = end + 1;
  }
  return rows;
}

/**
 * Parses complete lines of COPY text output into one reused array, calling `visit` after each line:
 * for loading millions of rows into columns without an array per row.
 */
export function forEachCopyRow(text: string, row: Field[], visit: (row: Field[]) => void): void {
  let pos = 0;
  const length = text.length;
  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    let k = 0;
    let start = pos;
    while (true) {
      let tab = text.indexOf('\t', start);
      if (tab === -1 || tab > end) tab = end;
      const f = text.slice(start, tab);
      row[k++] = f.indexOf('\\') === -1 ? f : f === '\\N' ? null : unescapeCopyText(f);
      if (tab === end) break;
      start = tab + 1;
    }
    row.length = k;
    visit(row);
    pos = end + 1;
  }
}
