// Address masking: keep the administrative divisions down to the town or sub-district (镇, 乡, 街道),
// hide everything below them (road, number, building, room).
import { isCjkBmp, isCjkHighSurrogate, isLowSurrogate } from '../semantic/cjk.ts';

const PROVINCE = 1;
const CITY = 2;
const DISTRICT = 3;
const TOWN = 4;

// Division suffixes, longest first, with the levels each may stand for (市 is a prefecture-level city, or a
// county-level one inside a prefecture). A bare 州 is left out: 杭州 and 苏州 are names, followed by 市.
const MARKERS: readonly (readonly [string, readonly number[]])[] = [
  ['特别行政区', [PROVINCE]],
  ['自治区', [PROVINCE]],
  ['自治州', [CITY]],
  ['自治县', [DISTRICT]],
  ['自治旗', [DISTRICT]],
  ['街道', [TOWN]],
  ['地区', [CITY]],
  ['苏木', [TOWN]],
  ['省', [PROVINCE]],
  ['市', [CITY, DISTRICT]],
  ['盟', [CITY]],
  ['区', [DISTRICT]],
  ['县', [DISTRICT]],
  ['旗', [DISTRICT]],
  ['镇', [TOWN]],
  ['乡', [TOWN]],
];

/** Division names are short: 巴音郭楞蒙古 (自治州) is among the longest. */
const MAX_NAME = 10;
/** 春申小区, 社区, 园区, 校区, 景区, 厂区, 营区, 片区 are compounds and areas, not districts. */
const NOT_DISTRICT_BEFORE = new Set('小社园校景厂营片');
/** A suffix followed by one of these is part of a road's name (新镇路, 七宝镇街 is rare, 都市路). */
const ROAD_AFTER = new Set('路街道弄巷');

/** Length in code units of the ideograph at `i` (2 for a surrogate pair), 0 when `s[i]` is not one. */
function ideographAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (isCjkBmp(c)) return 1;
  return isCjkHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 0;
}

function markerAt(s: string, q: number): readonly [string, readonly number[]] | undefined {
  for (const m of MARKERS) if (s.startsWith(m[0], q)) return m;
  return undefined;
}

/**
 * The administrative prefix of an address (already half-width, without spaces): consecutive divisions,
 * each a run of 1-10 ideographs ending in a division suffix, each at a lower level than the one before
 * (province, city, district, town), the last one a town at most. It ends at the first character that is
 * not an ideograph (a digit, a bracket), at a road name, or where no division suffix follows.
 * `上海市闵行区莘庄镇莘松路380号5室` → `上海市闵行区莘庄镇`; `上海市闵行区莘松路380号` → `上海市闵行区`.
 */
export function administrativePrefix(s: string): string {
  let level = 0;
  let end = 0;
  while (level < TOWN && end < s.length) {
    let found = -1;
    let names = 0;
    // The division's name: at least one ideograph, then look for a suffix after each further one.
    for (let q = end; q < s.length && names < MAX_NAME; ) {
      const width = ideographAt(s, q);
      if (width === 0) break;
      q += width;
      names++;
      const m = markerAt(s, q);
      if (!m) continue;
      const next = q + m[0].length;
      if (ROAD_AFTER.has(s[next] ?? '')) continue;
      if (m[0] === '区' && NOT_DISTRICT_BEFORE.has(s[q - 1] ?? '')) continue;
      const at = m[1].find((l) => l > level);
      if (at === undefined) continue;
      level = at;
      found = next;
      break;
    }
    if (found < 0) break;
    end = found;
  }
  return s.slice(0, end);
}
