// Published column names for a source's headers: as written, renamed by the spec, or derived ASCII names.
import { columnNameProblem, MAX_NAME_BYTES } from '../schemas/identifiers.ts';
import { closeMatches } from './rules/suggest.ts';

/** `keep`: the header as written (ASCII lower-cased); `pinyin`: ASCII names from the pinyin of Chinese headers; `position`: col_1..n. */
export type ColumnNaming = 'keep' | 'pinyin' | 'position';

export interface NamingRules {
  /** Header (as written) -> published name; wins over `naming`. */
  rename?: Readonly<Record<string, string>>;
  naming: ColumnNaming;
  /** For `pinyin`: text -> its words, Chinese characters as toneless pinyin (pinyin-pro, loaded only when needed). */
  words?: PinyinWords;
}

/** pinyin-pro's array form: 出生日期(年月日) -> chu, sheng, ri, qi, (, nian, yue, ri, ). */
export type PinyinWords = (text: string) => string[];

/** An ASCII identifier for any header: 姓名 -> xing_ming, 出生日期(年月日) -> chu_sheng_ri_qi_nian_yue_ri, E-mail -> e_mail. */
export function asciiName(header: string, toWords: PinyinWords): string {
  const words = toWords(header);
  const joined = words
    .map((w) => w.toLowerCase().replace(/[^a-z0-9]+/g, '_'))
    .join('_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  const name = /^[0-9]/.test(joined) ? `c_${joined}` : joined;
  return name.slice(0, MAX_NAME_BYTES).replace(/_$/, '');
}

/** The header as written with ASCII letters lower-cased, as PostgreSQL folds unquoted names. */
const keptName = (header: string) => header.replace(/[A-Z]+/g, (m) => m.toLowerCase());

export interface NamedColumns {
  names: string[];
  problems: string[];
}

/**
 * The published name of each header, with every problem found (unusable or repeated names, renames
 * of headers the source does not have). Derived names are made unique with a numeric suffix; names
 * the spec chose, or headers kept as written, are not: a repeat there is a problem to fix.
 */
export function publishedColumnNames(headers: readonly string[], rules: NamingRules): NamedColumns {
  const problems: string[] = [];
  const rename = rules.rename ?? {};
  for (const from of Object.keys(rename)) {
    if (!headers.includes(from)) {
      const near = closeMatches(from, headers);
      problems.push(`columns: the source has no column "${from}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`);
    }
  }
  const taken = new Map<string, number>();
  const names = headers.map((header, i) => {
    const explicit = rename[header];
    if (explicit !== undefined) return explicit;
    if (rules.naming === 'position') return `col_${i + 1}`;
    if (rules.naming === 'pinyin') {
      if (!rules.words) throw new Error('pinyin naming needs the pinyin word splitter');
      return asciiName(header, rules.words) || `col_${i + 1}`;
    }
    return keptName(header);
  });
  const derived = (i: number) => rename[headers[i]!] === undefined && rules.naming !== 'keep';
  names.forEach((name, i) => {
    const seen = taken.get(name);
    if (seen === undefined) {
      taken.set(name, i);
      return;
    }
    if (!derived(i)) {
      problems.push(
        `columns ${seen + 1} and ${i + 1} would both be named "${name}"${rules.naming === 'keep' ? '; rename one (source.columns) or set source.columnNames: pinyin' : ''}`,
      );
      return;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    names[i] = `${name}_${n}`;
    taken.set(names[i]!, i);
  });
  names.forEach((name, i) => {
    const problem = columnNameProblem(name);
    if (problem) {
      const header = headers[i]!;
      const hint = rename[header] === undefined ? '; rename it in source.columns or set source.columnNames: pinyin' : '';
      problems.push(`column ${i + 1}${header === name ? '' : ` (header ${JSON.stringify(header)})`}: the name ${JSON.stringify(name)} ${problem}${hint}`);
    }
  });
  return { names, problems };
}
