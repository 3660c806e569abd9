// Address keys for matching, on the Minhang address parser: the door (road, lane, number), the whole
// address down to the room, and tokens for partial agreement.
import { parseMinhangAddress } from '../address/minhang.ts';
import type { AddressKey } from './features.ts';

// `5-1203` at the end is door 5, room 1203.
const DASHED = /(\d+)-(\d+)(?:室)?$/;
const LANE = /(\d+)弄/;
const DOOR = /(\d+)号/;
const BUILDING = /^(\d+)栋/;
const ROOM = /(\d+)室|(\d+)$/;

/**
 * The town is left out of the keys (the road says where, and departments name towns by alias or not at
 * all); a building written after a lane (`427弄19号楼`) is the lane's door (`427弄19号`), as it is written elsewhere.
 */
export function addressKey(address: string): AddressKey {
  const p = parseMinhangAddress(address.replace(DASHED, '$1号$2室'));
  const lane = p.number ? LANE.exec(p.number)?.[1] : undefined;
  let door = p.number ? DOOR.exec(p.number)?.[1] : undefined;
  let detail = p.detail ?? '';
  const building = BUILDING.exec(detail);
  if (!door && lane && building) {
    door = building[1];
    detail = detail.slice(building[0].length);
  }
  const roomMatch = ROOM.exec(detail);
  const room = roomMatch ? (roomMatch[1] ?? roomMatch[2]) : undefined;
  const road = p.road ?? '';
  const doorKey = road && (lane || door) ? `${road}${lane ? `${lane}弄` : ''}${door ? `${door}号` : ''}` : null;
  const tokens = [road, lane && `${lane}弄`, door && `${door}号`, room && `${room}室`].filter((t): t is string => Boolean(t));
  return { full: doorKey ? `${doorKey}${room ? `${room}室` : ''}` : p.normalised, door: doorKey, tokens };
}
