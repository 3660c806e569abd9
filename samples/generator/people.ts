// Person names and phone numbers, shared by the resident and enterprise generators.

import { COMPOUND_SURNAMES, GIVEN_FEMALE, GIVEN_MALE, GIVEN_NEUTRAL, LANDLINE_PREFIXES, MOBILE_PREFIXES, SURNAMES } from './minhang.ts';
import type { Prng } from './prng.ts';

function givenChar(rng: Prng, male: boolean): string {
  if (rng.chance(0.25)) return rng.pick(GIVEN_NEUTRAL);
  return male ? rng.pick(GIVEN_MALE) : rng.pick(GIVEN_FEMALE);
}

/** 1% compound surnames (欧阳, 司马, ...), else a common one. */
export function randomSurname(rng: Prng): string {
  return rng.chance(0.01) ? rng.pick(COMPOUND_SURNAMES) : rng.pick(SURNAMES);
}

/** One or two given-name characters (70% two, never the same twice). */
export function givenName(rng: Prng, male: boolean): string {
  if (rng.chance(0.3)) return givenChar(rng, male);
  let second = givenChar(rng, male);
  const first = givenChar(rng, male);
  while (second === first) second = givenChar(rng, male);
  return first + second;
}

export function personName(rng: Prng, male: boolean): string {
  const surname = randomSurname(rng);
  return surname + givenName(rng, male);
}

function digits(rng: Prng, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(rng.int(0, 9));
  return s;
}

/** 11 digits matching ^1[3-9]\d{9}$. */
export function mobileNumber(rng: Prng): string {
  return rng.pick(MOBILE_PREFIXES) + digits(rng, 8);
}

/** A Shanghai landline, `021-` and 8 digits starting 5 or 6. */
export function landlineNumber(rng: Prng): string {
  return `021-${rng.pick(LANDLINE_PREFIXES)}${digits(rng, 7)}`;
}

/** Ways a valid mobile arrives with a country code, spaces or dashes; all normalise back to `mobile`. */
export function formattedMobile(rng: Prng, mobile: string): string {
  const a = mobile.slice(0, 3);
  const b = mobile.slice(3, 7);
  const c = mobile.slice(7);
  switch (rng.int(0, 5)) {
    case 0:
      return `+86 ${a}-${b}-${c}`;
    case 1:
      return `0086 ${mobile}`;
    case 2:
      return `${a} ${b} ${c}`;
    case 3:
      return `+86${mobile}`;
    case 4:
      return `86-${a}-${b}-${c}`;
    default:
      return `${a}-${b}-${c}`;
  }
}

/** Numbers that no normaliser can save: 10 or 12 digits, or a 12x prefix. */
export function invalidMobile(rng: Prng, mobile: string): string {
  switch (rng.int(0, 2)) {
    case 0:
      return mobile.slice(0, 10);
    case 1:
      return mobile + String(rng.int(0, 9));
    default:
      return `12${mobile.slice(2)}`;
  }
}
