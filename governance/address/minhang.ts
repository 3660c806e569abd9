// Minhang addresses to one canonical form, for matching records across departments (fusion).
//   上海市闵行区七宝镇七莘路１２３４弄５号３０１室 / 七宝 七莘路1234弄5号301 / 七莘路一千二百三十四弄五号
//   -> 闵行区七宝镇七莘路1234弄5号301室
// Steps: full-width to half-width and spaces out; 上海(市) and 闵行(区) dropped from the front; a town by its
// official name or alias; the road (known roads first, else anything ending 路/公路/大道/街/巷); Chinese
// numerals before 弄/号/栋/幢/单元/室 as digits; the town inferred from the road when the address names none.
import { DEFAULT_GAZETTEER, type Gazetteer } from './gazetteer.ts';

export interface ParsedAddress {
  district: string | null;
  town: string | null;
  road: string | null;
  /** Lane and door number: `1234弄5号`, `88号`. */
  number: string | null;
  /** Building, unit, room and anything after them: `3栋2单元501室`. */
  detail: string | null;
  normalised: string;
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** 一千二百三十四 -> 1234, 十五 -> 15, 三零一 -> 301 (digit by digit when there is no unit). */
function chineseNumber(s: string): number {
  let hasUnit = false;
  for (const ch of s) if (ch in CN_UNITS) hasUnit = true;
  if (!hasUnit) {
    let n = 0;
    for (const ch of s) n = n * 10 + CN_DIGITS[ch]!;
    return n;
  }
  let total = 0;
  let digit = -1;
  for (const ch of s) {
    const unit = CN_UNITS[ch];
    if (unit === undefined) digit = CN_DIGITS[ch]!;
    else {
      total += (digit < 0 ? 1 : digit) * unit;
      digit = -1;
    }
  }
  return total + Math.max(digit, 0);
}

const CN_NUMBER_BEFORE_UNIT = /([零〇一二两三四五六七八九十百千]+)(?=弄|号|號|栋|幢|单元|室|楼|层)/g;

/** Full-width ASCII to half-width, ideographic space to space, then every white space removed. */
function compact(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (c === 0x3000 || c <= 32) continue;
    out += String.fromCharCode(c);
  }
  return out;
}

const OTHER_DISTRICT = /^(黄浦|徐汇|长宁|静安|普陀|虹口|杨浦|宝山|浦东新|嘉定|金山|松江|青浦|奉贤|崇明)区/;
const GENERIC_ROAD = /^[\u4e00-\u9fff]{1,8}?(?:公路|大道|路|街|巷)/;
const NUMBER = /^(?:(\d+)弄)?(?:(\d+(?:-\d+)?)号(?!楼|房))?/;
const BUILDING = /^(?:(\d+)(?:号楼|栋|幢|座))?(?:(\d+)单元)?(?:(\d+)(?:室|号房)?)?/;

export function parseMinhangAddress(raw: string, gazetteer: Gazetteer = DEFAULT_GAZETTEER): ParsedAddress {
  let s = compact(raw);
  if (s.search(/[零〇一二两三四五六七八九十百千]/) >= 0) s = s.replace(CN_NUMBER_BEFORE_UNIT, (m) => String(chineseNumber(m)));
  s = s.replace(/號/g, '号');
  let i = 0;
  if (s.startsWith('上海市')) i = 3;
  else if (s.startsWith('上海')) i = 2;
  let district: string | null = null;
  if (s.startsWith('闵行区', i)) {
    district = '闵行区';
    i += 3;
  } else if (s.startsWith('闵行', i)) {
    district = '闵行区';
    i += 2;
  } else {
    const other = OTHER_DISTRICT.exec(s.slice(i));
    if (other) {
      district = other[0];
      i += other[0].length;
    }
  }

  let town: string | null = null;
  for (const [key, name] of gazetteer.townKeys) {
    if (!s.startsWith(key, i)) continue;
    const after = s.charCodeAt(i + key.length);
    // 古美路 and 江川路 are roads as well as the start of a street's name.
    if (gazetteer.bareAliases.has(key) && (after === 0x8def /* 路 */ || s.startsWith('公路', i + key.length))) continue;
    town = name;
    i += key.length;
    break;
  }

  let road: string | null = null;
  for (const r of gazetteer.roads) {
    if (s.startsWith(r, i)) {
      road = r;
      break;
    }
  }
  if (road === null) {
    const g = GENERIC_ROAD.exec(s.slice(i));
    if (g) road = g[0];
  }
  if (road !== null) i += road.length;
  if (town === null && road !== null && district !== null && district !== '闵行区') {
    // A road in another district says nothing about Minhang's towns.
  } else if (town === null && road !== null) town = gazetteer.roadTown.get(road) ?? null;
  if (district === null && town !== null) district = '闵行区';

  let number: string | null = null;
  const rest = s.slice(i);
  const n = NUMBER.exec(rest)!;
  if (n[0].length > 0) {
    number = `${n[1] ? `${n[1]}弄` : ''}${n[2] ? `${n[2]}号` : ''}`;
    i += n[0].length;
  }
  let detail: string | null = null;
  if (i < s.length) {
    const tail = s.slice(i);
    const b = BUILDING.exec(tail)!;
    if (b[0].length > 0) {
      detail = `${b[1] ? `${b[1]}栋` : ''}${b[2] ? `${b[2]}单元` : ''}${b[3] ? `${b[3]}室` : ''}${tail.slice(b[0].length)}`;
    } else detail = tail;
  }
  const normalised = `${district ?? ''}${town ?? ''}${road ?? ''}${number ?? ''}${detail ?? ''}`;
  return { district, town, road, number, detail: detail || null, normalised };
}

const LANE = /(\d+)弄/;
const DOOR = /(\d+(?:-\d+)?)号/;
const BLOCK = /(\d+)栋/;
const UNIT = /(\d+)单元/;
const ROOM = /(\d+)室/;

/** Cheap matching keys: road, lane, door, building, unit, room (each present one, prefixed by its kind). */
export function addressTokens(p: ParsedAddress): string[] {
  const out: string[] = [];
  if (p.town) out.push(`town:${p.town}`);
  if (p.road) out.push(`road:${p.road}`);
  if (p.number) {
    const lane = LANE.exec(p.number);
    if (lane) out.push(`lane:${lane[1]}`);
    const door = DOOR.exec(p.number);
    if (door) out.push(`no:${door[1]}`);
  }
  if (p.detail) {
    const block = BLOCK.exec(p.detail);
    if (block) out.push(`bldg:${block[1]}`);
    const unit = UNIT.exec(p.detail);
    if (unit) out.push(`unit:${unit[1]}`);
    const room = ROOM.exec(p.detail);
    if (room) out.push(`room:${room[1]}`);
  }
  return out;
}
