import { BadInputError } from '../../config/errors.ts';

export type Field = string | null;

export interface ParsedRecords {
  rows: Field[][];
  /** Physical lines consumed (quoted newlines included). */
  lines: number;
  /** True when blank lines were skipped, so the text cannot be forwarded to COPY as it is. */
  skippedBlank: boolean;
  /** [start, end) of each record in the text, for rebuilding a COPY payload without blank lines. */
  spans?: number[];
}

export interface CsvDialect {
  delimiter: string;
  quote: string;
}

/**
 * Parses complete CSV records (the text ends at a record boundary). An unquoted empty field is null,
 * a quoted empty field is ''. Every record must have `expectedFields` fields; `firstLine` numbers the
 * lines in errors.
 */
export function parseRecords(text: string, dialect: CsvDialect, expectedFields: number, firstLine: number, source: string): ParsedRecords {
  const { delimiter, quote } = dialect;
  const rows: Field[][] = [];
  let line = firstLine;
  let pos = 0;
  let skippedBlank = false;
  const spans: number[] = [];
  const length = text.length;
  while (pos < length) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = length;
    let contentEnd = lineEnd;
    if (contentEnd > pos && text.charCodeAt(contentEnd - 1) === 13) contentEnd--;
    if (contentEnd === pos) {
      skippedBlank = true;
      line++;
      pos = lineEnd + 1;
      continue;
    }
    const start = pos;
    const raw = text.slice(pos, contentEnd);
    let fields: Field[];
    if (raw.indexOf(quote) === -1) {
      const parts = raw.split(delimiter);
      fields = parts as Field[];
      for (let i = 0; i < parts.length; i++) if (parts[i] === '') fields[i] = null;
      pos = lineEnd + 1;
      line++;
    } else {
      const result = parseQuotedRecord(text, pos, delimiter, quote, line, source);
      fields = result.fields;
      pos = result.next;
      line += result.lines;
    }
    if (fields.length !== expectedFields) {
      throw new BadInputError(`${source} line ${line - 1}: expected ${expectedFields} fields, found ${fields.length}`);
    }
    rows.push(fields);
    spans.push(start, Math.min(pos, length));
  }
  return { rows, lines: line - firstLine, skippedBlank, spans: skippedBlank ? spans : undefined };
}

function parseQuotedRecord(text: string, start: number, delimiter: string, quote: string, line: number, source: string) {
  const fields: Field[] = [];
  let pos = start;
  let lines = 0;
  const length = text.length;
  for (;;) {
    if (text[pos] === quote) {
      let value = '';
      let segment = pos + 1;
      for (;;) {
        const q = text.indexOf(quote, segment);
        if (q === -1) throw new BadInputError(`${source} line ${line}: unterminated quoted field`);
        value += text.slice(segment, q);
        if (text[q + 1] === quote) {
          value += quote;
          segment = q + 2;
        } else {
          pos = q + 1;
          break;
        }
      }
      for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 10) lines++;
      fields.push(value);
      const c = text[pos];
      if (c === delimiter) {
        pos++;
        continue;
      }
      if (c === '\r' && text[pos + 1] === '\n') pos++;
      if (pos >= length || text[pos] === '\n') {
        return { fields, next: pos + 1, lines: lines + 1 };
      }
      throw new BadInputError(`${source} line ${line + lines}: unexpected character after closing quote`);
    }
    let end = pos;
    while (end < length) {
      const c = text[end];
      if (c === delimiter || c === '\n') break;
      if (c === quote) throw new BadInputError(`${source} line ${line + lines}: quote inside an unquoted field`);
      end++;
    }
    let valueEnd = end;
    if (text[end] !== delimiter && valueEnd > pos && text.charCodeAt(valueEnd - 1) === 13) valueEnd--;
    fields.push(valueEnd === pos ? null : text.slice(pos, valueEnd));
    if (text[end] === delimiter) {
      pos = end + 1;
      continue;
    }
    return { fields, next: end + 1, lines: lines + 1 };
  }
}
