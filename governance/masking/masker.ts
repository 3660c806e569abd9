// One column's mask as a function of its values, built once per column before any row moves.
import type { ColumnMask } from '../../schemas/masking.ts';
import { address, bankCard, citizenId, email, keep, landline, mobile, name, nullify, plate, redact } from './masks.ts';
import { type MaskingKey, pseudonymiser } from './pseudonym.ts';
import { asText } from './text.ts';

export type Masker = (value: unknown) => string | null;

/**
 * The function that masks one column's values. `none` passes values through as text. A pseudonym needs
 * the key (resolved from configuration by the caller); without it, or when the key's algorithm is
 * missing from this runtime, this throws, so a column is refused before its first value.
 */
export function maskerFor(mask: ColumnMask, key?: MaskingKey): Masker {
  const { keepFirst, keepLast } = mask;
  switch (mask.mask) {
    case 'none':
      return asText;
    case 'name':
      return name;
    case 'citizen_id':
      return (v) => citizenId(v, keepFirst, keepLast);
    case 'mobile':
      return (v) => mobile(v, keepFirst, keepLast);
    case 'landline':
      return landline;
    case 'address':
      return address;
    case 'email':
      return email;
    case 'bank_card':
      return (v) => bankCard(v, keepFirst, keepLast);
    case 'plate':
      return plate;
    case 'keep':
      return (v) => keep(v, keepFirst, keepLast);
    case 'redact':
      return redact;
    case 'nullify':
      return nullify;
    case 'pseudonym':
      if (!key) throw new Error('a pseudonym mask needs a masking key (configure masking.keys and masking.currentKey)');
      return pseudonymiser(key, mask.as);
  }
}
