// JSON.parse turns 12345678901234567890 into 12345678901234567000 and 1.10 into 1.1. A collector must
// store what the department sent, so numbers (and nested values) are taken from the line's own text.

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function skipSpace(line: string, i: number): number {
  while (i < line.length && WHITESPACE.has(line[i]!)) i++;
  return i;
}

/** Index just past the string that opens at `i` (a `"`). */
function stringEnd(line: string, i: number): number {
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  throw new SyntaxError('unterminated string');
}

/** Index just past the value that starts at `i`. */
function valueEnd(line: string, i: number): number {
  const c = line[i];
  if (c === '"') return stringEnd(line, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < line.length; j++) {
      const d = line[j];
      if (d === '"') j = stringEnd(line, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new SyntaxError('unbalanced brackets');
  }
  let j = i;
  while (j < line.length && line[j] !== ',' && line[j] !== '}' && !WHITESPACE.has(line[j]!)) j++;
  return j;
}

/**
 * The source text of each top-level value of a JSON object line, by key (the last one wins for a
 * repeated key, as in JSON.parse). Call it on a line JSON.parse has accepted.
 */
export function topLevelValueTexts(line: string): Map<string, string> {
  const texts = new Map<string, string>();
  let i = skipSpace(line, 0);
  if (line[i] !== '{') throw new SyntaxError('expected an object');
  i = skipSpace(line, i + 1);
  if (line[i] === '}') return texts;
  for (;;) {
    const keyEnd = stringEnd(line, i);
    const key = JSON.parse(line.slice(i, keyEnd)) as string;
    i = skipSpace(line, keyEnd);
    if (line[i] !== ':') throw new SyntaxError(`expected ':' after key ${key}`);
    i = skipSpace(line, i + 1);
    const end = valueEnd(line, i);
    texts.set(key, line.slice(i, end));
    i = skipSpace(line, end);
    if (line[i] === '}') return texts;
    if (line[i] !== ',') throw new SyntaxError(`expected ',' or '}' after the value of ${key}`);
    i = skipSpace(line, i + 1);
  }
}
