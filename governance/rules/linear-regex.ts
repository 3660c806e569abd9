// Patterns from job specs run on RE2 (re2js), whose matching time is linear in the value's length. V8's
// backtracking engine can take exponential time on a pattern like `^(a+)+$` (try 'aaaa…a!'), and one
// such cell holds a worker at 100% CPU for good. RE2 buys that guarantee by having no backreferences
// and no lookaround, so patterns using them are refused when the plan is compiled.
import { RE2JS } from 're2js';

/** What a validator needs of a compiled pattern: a search, like RegExp.prototype.test, without state. */
export interface LinearRegExp {
  test(value: string): boolean;
}

const FLAG_BITS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

const WHY = 'value.regex runs on a linear-time engine (RE2), which has no backreferences or lookaround';

// ECMAScript's \s (what chars.ts isSpace and String.prototype.trim use), in RE2 syntax: RE2's own \s is
// ASCII only and would let the ideographic space U+3000 through `^\S+$`.
const JS_SPACE = '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
// ECMAScript's `.` without the s flag: RE2's stops only at \n.
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

function refuse(pattern: string, what: string): never {
  throw new RangeError(`pattern /${pattern}/ uses ${what}: ${WHY}`);
}

/** `\p{Script=Han}` and `\p{sc=Han}` in RE2's spelling `\p{Han}`; other property escapes as written. */
function propertyEscape(pattern: string, at: number, unicode: boolean): { text: string; end: number } {
  if (!unicode) {
    throw new RangeError(`pattern /${pattern}/: \\${pattern[at + 1]} is a Unicode property only with the u flag (without it ECMAScript reads a plain letter)`);
  }
  const close = pattern.indexOf('}', at);
  const body = pattern.slice(at + 3, close).replace(/^(?:Script|sc)=/, '');
  return { text: `\\${pattern[at + 1]}{${body}}`, end: close + 1 };
}

/**
 * Rewrites the escapes and classes whose meaning differs between ECMAScript and RE2 (\s, \S, `.`, [\b],
 * \p{Script=…}) and refuses what RE2 cannot run. The pattern is already known to be valid ECMAScript;
 * RE2JS.translateRegExp then handles the purely spelling differences (\uXXXX, \cX, (?<name>, [^]).
 */
function toRe2(pattern: string, dotAll: boolean, unicode: boolean): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1]!;
      if (next >= '1' && next <= '9') refuse(pattern, `a backreference (\\${next})`);
      if (next === 'k' && pattern[i + 2] === '<') refuse(pattern, 'a named backreference (\\k<…>)');
      if (next === 'u' && pattern[i + 2] === '{' && !unicode) {
        throw new RangeError(`pattern /${pattern}/: \\u{…} is a code point only with the u flag (without it ECMAScript reads u repeated)`);
      }
      if (next === 'p' || next === 'P') {
        const p = propertyEscape(pattern, i, unicode);
        out += p.text;
        i = p.end;
        continue;
      }
      out += next === 's' ? `[${JS_SPACE}]` : next === 'S' ? `[^${JS_SPACE}]` : ch + next;
      i += 2;
    } else if (ch === '[') {
      i = characterClass(pattern, i, unicode, (text) => {
        out += text;
      });
    } else if (ch === '(' && pattern[i + 1] === '?' && (pattern[i + 2] === '=' || pattern[i + 2] === '!')) {
      refuse(pattern, `a lookahead ${pattern.slice(i, i + 3)}…)`);
    } else if (ch === '(' && pattern[i + 1] === '?' && pattern[i + 2] === '<' && (pattern[i + 3] === '=' || pattern[i + 3] === '!')) {
      refuse(pattern, `a lookbehind ${pattern.slice(i, i + 4)}…)`);
    } else {
      out += ch === '.' && !dotAll ? JS_DOT : ch;
      i++;
    }
  }
  return out;
}

/** Reads the class starting at `start` (a `[`), emits it in RE2 syntax and returns the index after it. */
function characterClass(pattern: string, start: number, unicode: boolean, emit: (text: string) => void): number {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  // `[]` and `[^]` (match nothing, anything): left for translateRegExp.
  if (pattern[i] === ']') {
    emit(pattern.slice(start, i + 1));
    return i + 1;
  }
  let body = '';
  let notSpace = false;
  while (pattern[i] !== ']') {
    const ch = pattern[i]!;
    if (ch !== '\\') {
      body += ch;
      i++;
      continue;
    }
    const next = pattern[i + 1]!;
    if (next === 'p' || next === 'P') {
      const p = propertyEscape(pattern, i, unicode);
      body += p.text;
      i = p.end;
      continue;
    }
    if (next === 's') body += JS_SPACE;
    else if (next === 'S') notSpace = true;
    else body += next === 'b' ? '\\x08' : ch + next; // [\b] is a backspace in ECMAScript
    i += 2;
  }
  if (!notSpace) emit(`[${negated ? '^' : ''}${body}]`);
  // RE2 classes cannot hold a negated set, so [\S…] becomes an alternation; [^\S…] would need a set difference.
  else if (negated) throw new RangeError(`pattern /${pattern}/: \\S inside a negated class [^…] is not supported; write it with \\s`);
  else emit(body === '' ? `[^${JS_SPACE}]` : `(?:[^${JS_SPACE}]|[${body}])`);
  return i + 1;
}

function flagBits(flags: string): number {
  if (/[gy]/.test(flags)) throw new RangeError(`regex flags '${flags}': g and y keep state between values and are not allowed`);
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined) throw new RangeError(`regex flag '${f}' is not supported; use any of i, m, s, u`);
    bits |= bit;
  }
  return bits;
}

/**
 * Compiles an ECMAScript pattern from a spec to run in linear time. Throws SyntaxError when it is not
 * valid ECMAScript, and RangeError when RE2 cannot run it (backreferences, lookaround, a repeat count
 * over 1000, ...). Patterns read code points, as with the u flag, so a rare ideograph outside the BMP is
 * one character; with the m flag, ^ and $ see only \n as a line end.
 */
export function compileLinearRegExp(pattern: string, flags = ''): LinearRegExp {
  const bits = flagBits(flags);
  // Syntax check with ECMAScript's own parser (and its messages). Compiling runs nothing, so cannot hang.
  new RegExp(pattern, flags);
  const source = RE2JS.translateRegExp(toRe2(pattern, flags.includes('s'), flags.includes('u')));
  try {
    return RE2JS.compile(source, bits);
  } catch (e) {
    throw new RangeError(`pattern /${pattern}/ cannot run on the linear-time engine (RE2): ${(e as Error).message}`);
  }
}
