import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';
import { creditCodeCheckChar } from '../../governance/semantic/credit-code.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The i-th of a run of valid Minhang citizen IDs (real birth dates in 1960-1999, right check character). */
export function validCitizenId(i: number): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + (i % 14_000) * 86_400_000);
  const first17 = `310112${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1, 2)}${pad(birth.getUTCDate(), 2)}${pad(i % 1000, 3)}`;
  return first17 + citizenIdCheckChar(first17);
}

/** A citizen ID's shape with the wrong check character: what an 18-digit number that is no ID looks like. */
export function badChecksumId(i: number): string {
  const id = validCitizenId(i);
  const check = id[17] === 'X' ? 0 : id[17] === '9' ? 0 : Number(id[17]) + 1;
  return id.slice(0, 17) + String(check);
}

/** 18 digits of a seeded pseudo-random sequence (order numbers, serials): almost never a valid ID. */
export function random18Digits(i: number): string {
  let x = (i + 1) * 2_654_435_761;
  let out = '';
  while (out.length < 18) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    out += String(x % 10);
  }
  return out;
}

/** The i-th of a run of valid mobile numbers (prefixes 135-139). */
export function validMobile(i: number): string {
  return `13${5 + (i % 5)}${pad((i * 7_919) % 100_000_000, 8)}`;
}

/** The i-th of a run of valid unified social credit codes (Shanghai, enterprise). */
export function validCreditCode(i: number): string {
  const first17 = `91310112${pad((i * 104_729) % 1_000_000_000, 9)}`;
  return first17 + creditCodeCheckChar(first17);
}
