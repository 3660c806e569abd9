// Values keyed into the wrong column, put back before matching: a name in the address column and an
// address in the name column, a mobile in the ID column, an ID in the mobile column. A moved value is
// governed as what it is (a lower-case x ID typed in the mobile column becomes a valid ID).
import { isChineseName, isAddress } from '../semantic/detect.ts';
import { isBareMobile } from '../semantic/mobile.ts';
import { keyStem } from './field-kinds.ts';

export interface SwapRepair {
  from: string;
  to: string;
}

/** The raw value of field `of` governed as field `as` would govern it (null when empty). */
export type GovernAs = (of: string, as: string) => string | null;

/** An ID as written canonically (17 digits, then a digit or X): governed as a mobile it stays 18 characters. */
const CANONICAL_ID = /^\d{17}[\dX]$/;

/**
 * Rewrites `values` (field name → governed value) in place and says what moved. `rawOf` (the value as
 * the source wrote it) lets the common case, a canonical ID beside a bare mobile (or either missing),
 * skip governing each as the other: neither can then be the other.
 */
export function repairSwaps(values: Record<string, string | null>, governAs: GovernAs, rawOf?: (field: string) => string | null): SwapRepair[] {
  const moved: SwapRepair[] = [];
  const swap = (a: string, b: string) => {
    const intoA = governAs(b, a);
    values[b] = governAs(a, b);
    values[a] = intoA;
    moved.push({ from: a, to: b });
  };
  const name = values.name;
  const address = values.address;
  if ('name' in values && 'address' in values && name && address && isAddress(name) && isChineseName(address)) swap('name', 'address');
  const rawId = rawOf?.('citizen_id') ?? null;
  const rawMobile = rawOf?.('mobile') ?? null;
  const plain = rawOf !== undefined && (rawId === null || CANONICAL_ID.test(rawId)) && (rawMobile === null || isBareMobile(rawMobile));
  if ('citizen_id' in values && 'mobile' in values && !plain) {
    const idAsMobile = values.citizen_id != null ? governAs('citizen_id', 'mobile') : null;
    const mobileAsId = values.mobile != null ? governAs('mobile', 'citizen_id') : null;
    const idIsMobile = idAsMobile !== null && isBareMobile(idAsMobile);
    const mobileIsId = mobileAsId !== null && keyStem('citizenId', mobileAsId) !== null;
    if ((idIsMobile && (values.mobile == null || mobileIsId)) || (mobileIsId && values.citizen_id == null)) swap('citizen_id', 'mobile');
  }
  return moved;
}
