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

/** Rewrites `values` (field name → governed value) in place and says what moved. */
export function repairSwaps(values: Record<string, string | null>, governAs: GovernAs): SwapRepair[] {
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
  if ('citizen_id' in values && 'mobile' in values) {
    const idAsMobile = values.citizen_id != null ? governAs('citizen_id', 'mobile') : null;
    const mobileAsId = values.mobile != null ? governAs('mobile', 'citizen_id') : null;
    const idIsMobile = idAsMobile !== null && isBareMobile(idAsMobile);
    const mobileIsId = mobileAsId !== null && keyStem('citizenId', mobileAsId) !== null;
    if ((idIsMobile && (values.mobile == null || mobileIsId)) || (mobileIsId && values.citizen_id == null)) swap('citizen_id', 'mobile');
  }
  return moved;
}
