// Minhang street addresses as parts, so one generated address can be written the many ways departments write it.

import type { Street } from './minhang.ts';
import type { Prng } from './prng.ts';

export interface AddressParts {
  readonly street: Street;
  readonly road: string;
  /** 弄 number, absent for a plain 号 address. */
  readonly lane: number | null;
  /** 号: the building in a lane, or the house number on the road. */
  readonly number: number;
  /** 室, e.g. `1203`; absent for a whole house. */
  readonly room: string | null;
}

/** 70% lane addresses (弄/号/室), 20% road number with a room, 10% a whole house. */
export function addressParts(rng: Prng, street: Street): AddressParts {
  const road = rng.pick(street.roads);
  const room = `${rng.int(1, 18)}0${rng.int(1, 6)}`;
  const r = rng.next();
  if (r < 0.7) {
    const lane = rng.int(1, 999);
    return { street, road, lane, number: rng.int(1, 60), room };
  }
  if (r < 0.9) return { street, road, lane: null, number: rng.int(1, 2000), room };
  return { street, road, lane: null, number: rng.int(1, 2000), room: null };
}

/** The register's form: `上海市闵行区沁春路120弄5号1203室` (no street or town name). */
export function formatAddress(a: AddressParts): string {
  const lane = a.lane === null ? '' : `${a.lane}弄`;
  return `上海市闵行区${a.road}${lane}${a.number}号${a.room === null ? '' : `${a.room}室`}`;
}
