/**
 * File globs in source paths: `*` and `?` within one path segment, `[abc]` / `[!abc]` classes, and
 * `**` as a whole segment for any depth. As in shells, wildcards do not match names starting with a
 * dot (upload tools write `.name.part` while a transfer is under way).
 */
export interface FileGlob {
  /** The leading segments without wildcards: the folder listed. */
  base: string;
  /** The rest, matched against paths relative to `base` (with `/` separators). */
  pattern: string;
  /** Whether the pattern can match below the folder's first level. */
  recursive: boolean;
  matches(relativePath: string): boolean;
}

const WILDCARD = /[*?[]/;

export function isGlob(path: string): boolean {
  return WILDCARD.test(path);
}

/** What is wrong with a glob, or undefined. */
export function globProblem(path: string): string | undefined {
  try {
    parseGlob(path);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function parseGlob(path: string): FileGlob {
  const segments = path.split('/');
  const first = segments.findIndex((s) => WILDCARD.test(s));
  if (first === -1) throw new Error(`"${path}" has no wildcard`);
  const baseSegments = segments.slice(0, first);
  const patternSegments = segments.slice(first);
  if (patternSegments.at(-1) === '**' || patternSegments.at(-1) === '') throw new Error(`"${path}" must end with a file name pattern, e.g. **/*.csv`);
  const regex = new RegExp(`^${patternSegments.map(segmentRegex).join('')}$`, 'u');
  return {
    base: baseSegments.join('/') || '.',
    pattern: patternSegments.join('/'),
    recursive: patternSegments.length > 1,
    matches: (relativePath) => regex.test(relativePath),
  };
}

function segmentRegex(segment: string, index: number, all: string[]): string {
  const separator = index < all.length - 1 ? '/' : '';
  if (segment === '**') return '(?:[^/.][^/]*/)*';
  if (segment.includes('**')) throw new Error(`"**" must be a whole path segment ("${segment}")`);
  let out = segment.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) throw new Error(`unclosed "[" in "${segment}"`);
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out + separator;
}
