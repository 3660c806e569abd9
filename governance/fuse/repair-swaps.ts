// Values keyed into the wrong column, put back before matching: a name in the address column and an
// address in the name column, a mobile in the ID column, an ID in the mobile column.
import { isChineseName, isAddress } from '../semantic/detect.ts';
import { isBareMobile } from '../semantic/mobile.ts';
import { keyStem } from './field-kinds.ts';

export interface SwapRepair {
  from: string;
  to: string;
}

/** Rewrites `values` (field name → normalised value) in place and says what moved. */
export function repairSwaps(values: Record<string, string | null>): SwapRepair[] {
  const moved: SwapRepair[] = [];
  const swap = (a: string, b: string) => {
    const x = values[a] ?? null;
    values[a] = values[b] ?? null;
    values[b] = x;
    moved.push({ from: a, to: b });
  };
  const name = values.name;
  const address = values.address;
  if ('name' in values && 'address' in values && name && address && isAddress(name) && isChineseName(address)) swap('name', 'address');
  const id = values.citizen_id;
  const mobile = values.mobile;
  if ('citizen_id' in values && 'mobile' in values) {
    const idIsMobile = id != null && isBareMobile(id);
    const mobileIsId = mobile != null && keyStem('citizenId', mobile) !== null;
    if ((idIsMobile && (mobile == null || mobileIsId)) || (mobileIsId && id == null)) swap('citizen_id', 'mobile');
  }
  return moved;
}
