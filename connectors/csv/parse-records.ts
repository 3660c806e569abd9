import { BadInputError } from '../../errors/bad-input.ts';

import type { Field } from '../source-chunk.ts';

export interface ParsedRecords {
  rows: Field[][];
  /** Physical lines consumed (quoted newlines included). */
  lines: number;
  /** True when blank lines were skipped, so the text cannot be forwarded to COPY as it is. */
  skippedBlank: boolean;
  /** [start, end) of each record in the text, for rebuilding a COPY payload without blank lines. */
  spans?: number[];
  /** Characters of complete records; less than the text's length when its last record continues beyond it. */
  consumed: number;
}

export interface CsvDialect {
  delimiter: string;
  quote: string;
}

const LF = 10;
const CR = 13;

/**
 * Parses complete CSV records (the text ends at a record boundary). An unquoted empty field is null,
 * a quoted empty field is ''. Every record must have `expectedFields` fields; `firstLine` numbers the
 * lines in errors. Hot path: plain lines go through native split, quoted ones through a char-code scan.
 */
/**
 * With `final` false the text may end inside a quoted field that continues in the next chunk: parsing
 * then stops before that record and reports how far it got in `consumed`.
 */
export function parseRecords(text: string, dialect: CsvDialect, expectedFields: number, firstLine: number, source: string, final = true): ParsedRecords {
  const { delimiter, quote } = dialect;
  const rows: Field[][] = [];
  let line = firstLine;
  let pos = 0;
  let skippedBlank = false;
  const spans: number[] = [];
  const length = text.length;
  let nextQuote = text.indexOf(quote);
  if (nextQuote === -1) nextQuote = length;
  let consumed = 0;
  while (pos < length) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = length;
    let contentEnd = lineEnd;
    if (contentEnd > pos && text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
    if (contentEnd === pos) {
      skippedBlank = true;
      line++;
      pos = lineEnd + 1;
      consumed = Math.min(pos, length);
      continue;
    }
    const start = pos;
    let fields: Field[];
    if (nextQuote < pos) {
      nextQuote = text.indexOf(quote, pos);
      if (nextQuote === -1) nextQuote = length;
    }
    if (nextQuote >= contentEnd) {
      fields = text.slice(pos, contentEnd).split(delimiter) as Field[];
      for (let i = 0; i < fields.length; i++) if (fields[i] === '') fields[i] = null;
      pos = lineEnd + 1;
      line++;
    } else {
      fields = [];
      const next = parseQuotedRecord(text, pos, delimiter, quote.charCodeAt(0), quote, fields, line, source, final);
      if (next === -1) break;
      if (lineEnd < next - 1) for (let i = lineEnd; i < next - 1; i++) if (text.charCodeAt(i) === LF) line++;
      line++;
      pos = next;
    }
    if (fields.length !== expectedFields) {
      throw new BadInputError(`${source} line ${line - 1}: expected ${expectedFields} fields, found ${fields.length}`);
    }
    rows.push(fields);
    spans.push(start, Math.min(pos, length));
    consumed = Math.min(pos, length);
  }
  if (pos >= length) consumed = length;
  return { rows, lines: line - firstLine, skippedBlank, spans: skippedBlank ? spans : undefined, consumed };
}

/** Parses one record that contains quotes, pushing its fields; returns the index after its newline. */
function parseQuotedRecord(
  text: string,
  start: number,
  delimiterChar: string,
  quoteCode: number,
  quote: string,
  fields: Field[],
  line: number,
  source: string,
  final: boolean,
): number {
  const delimiter = delimiterChar.charCodeAt(0);
  const length = text.length;
  let pos = start;
  let newline = -1;
  let nextQuote = -1;
  for (;;) {
    if (text.charCodeAt(pos) === quoteCode) {
      let segment = pos + 1;
      let value = '';
      for (;;) {
        const q = text.indexOf(quote, segment);
        if (q === -1) {
          if (!final) return -1;
          throw new BadInputError(`${source} line ${line}: unterminated quoted field`);
        }
        if (text.charCodeAt(q + 1) === quoteCode) {
          value += text.slice(segment, q + 1);
          segment = q + 2;
          continue;
        }
        value = value ? value + text.slice(segment, q) : text.slice(segment, q);
        pos = q + 1;
        break;
      }
      fields.push(value);
      const c = text.charCodeAt(pos);
      if (c === delimiter) {
        pos++;
        continue;
      }
      if (c === CR && text.charCodeAt(pos + 1) === LF) pos++;
      if (pos >= length || text.charCodeAt(pos) === LF) return pos + 1;
      throw new BadInputError(`${source} line ${line}: unexpected character after closing quote`);
    }
    // The next newline and quote are found once and reused while `pos` has not passed them: searching
    // afresh for every field scanned the rest of the line again and again.
    if (newline < pos) {
      newline = text.indexOf('\n', pos);
      if (newline === -1) newline = length;
    }
    if (nextQuote < pos) {
      nextQuote = text.indexOf(quote, pos);
      if (nextQuote === -1) nextQuote = length;
    }
    let end = text.indexOf(delimiterChar, pos);
    if (end === -1 || newline < end) end = newline;
    if (nextQuote < end) throw new BadInputError(`${source} line ${line}: quote inside an unquoted field`);
    const c = end < length ? text.charCodeAt(end) : LF;
    let valueEnd = end;
    if (c !== delimiter && valueEnd > pos && text.charCodeAt(valueEnd - 1) === CR) valueEnd--;
    fields.push(valueEnd === pos ? null : text.slice(pos, valueEnd));
    if (c === delimiter) {
      pos = end + 1;
      continue;
    }
    return end + 1;
  }
}
