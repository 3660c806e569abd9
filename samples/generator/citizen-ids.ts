// Hands out citizen IDs that are valid and never repeat, in bounded memory.
//
// A number is unique when (area, birth day, sequence) is. Each (area, day, gender) slot keeps a counter k,
// and the k-th person in a slot gets sequence code (offset + 167k) mod 500: a permutation of 0..499 (167 is
// coprime with 500), so codes look scattered yet never repeat. Counters live in one Uint16Array.

import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';
import { compactDate } from './dates.ts';
import type { Prng } from './prng.ts';

const CODES_PER_SLOT = 500;
const STRIDE = 167;
const MAX_ATTEMPTS = 10_000;

export interface AllocatedId {
  /** 18 characters: 17 digits and the check char. */
  readonly id: string;
  readonly birthDay: number;
  readonly male: boolean;
}

export interface AllocateRequest {
  readonly area: number;
  readonly male: boolean;
  /** Inclusive day-number range for the birth date; must lie inside the allocator's range. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Extra condition on the check char, e.g. rows that need an X. */
  readonly check?: (checkChar: string) => boolean;
}

function slotOffset(slot: number): number {
  let h = Math.imul(slot ^ 0x5bd1e995, 0x27d4eb2d);
  h ^= h >>> 15;
  return (h >>> 0) % CODES_PER_SLOT;
}

export class CitizenIdAllocator {
  private readonly counters: Uint16Array;
  private readonly days: number;

  constructor(
    private readonly areas: readonly string[],
    private readonly firstDay: number,
    lastDay: number,
  ) {
    this.days = lastDay - firstDay + 1;
    this.counters = new Uint16Array(areas.length * this.days * 2);
  }

  allocate(rng: Prng, req: AllocateRequest): AllocatedId {
    const area = this.areas[req.area];
    if (area === undefined) throw new RangeError(`no area with index ${req.area}`);
    if (req.fromDay < this.firstDay || req.toDay >= this.firstDay + this.days || req.fromDay > req.toDay) {
      throw new RangeError('birth range outside the allocator range');
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const day = rng.int(req.fromDay, req.toDay);
      const slot = ((req.area * this.days + (day - this.firstDay)) << 1) | (req.male ? 1 : 0);
      const k = this.counters[slot]!;
      if (k >= CODES_PER_SLOT) continue;
      const code = (slotOffset(slot) + k * STRIDE) % CODES_PER_SLOT;
      const seq = String(code * 2 + (req.male ? 1 : 0)).padStart(3, '0');
      const first17 = `${area}${compactDate(day)}${seq}`;
      const check = citizenIdCheckChar(first17);
      if (req.check && !req.check(check)) continue;
      this.counters[slot] = k + 1;
      return { id: first17 + check, birthDay: day, male: req.male };
    }
    throw new Error('could not allocate a citizen ID: the birth range is exhausted');
  }
}
