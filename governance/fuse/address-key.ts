// Address keys for matching: the whole address in one canonical form, the door (road and number), and tokens.
import type { AddressKey } from './features.ts';

const PREFIX = /^(上海市?)?(闵行区?)?/;
// A town or street name before the road: `七宝镇`, `江川路街道` (itself named after a road), `古美街道`.
const TOWN = /^[\u4e00-\u9fff]{1,4}?(镇|街道)/;
const ROAD = /([\u4e00-\u9fff]{1,8}?(?:公路|大道|路|街))/;
// `7-204` is building 7, room 204; `19号楼` is building 19.
const DASHED = /(\d+)-(\d+)(?:室)?$/;

/**
 * Canonical address: no city or district prefix, no town (the road says where), `号楼` as `号`, `7-204`
 * as `7号204室`, a bare trailing room number with its `室`. The door is the road's last three characters
 * (a town's short name written before the road, `七宝七莘路`, leaves them alone) with the lane and building.
 */
export function addressKey(address: string): AddressKey {
  let rest = address.replace(PREFIX, '');
  const town = TOWN.exec(rest);
  if (town && ROAD.test(rest.slice(town[0].length))) rest = rest.slice(town[0].length);
  rest = rest.replace('号楼', '号').replace(DASHED, '$1号$2室');
  if (/号\d+$/.test(rest)) rest += '室';
  const road = ROAD.exec(rest);
  let door: string | null = null;
  const tokens: string[] = [];
  if (road) {
    const after = rest.slice(road.index + road[0].length);
    const number = /^(\d+弄(?:\d+号)?|\d+号)/.exec(after);
    const name = road[1]!.slice(-3);
    tokens.push(name);
    if (number) door = name + number[1];
    for (const t of after.match(/\d+(?:弄|号|室|单元)/g) ?? []) tokens.push(t);
    rest = name + after;
  }
  return { full: rest, door, tokens };
}
