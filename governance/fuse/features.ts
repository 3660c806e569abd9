// What matching compares, derived once per record from its governed values: ID stems, name keys,
// birth date and gender (from the ID when the field is empty), address keys.
import { birthDateFromCitizenId, genderFromCitizenId } from '../semantic/citizen-id.ts';
import { ENTITY_FIELDS, ENTITY_KEY, isUsableDate, isUsableMobile, keyChecks, keyStem, type EntityType } from './field-kinds.ts';
import { fieldIndex, type MatchRecords } from './match-records.ts';

/** Language tools matching needs; injected so this module stays free of dictionaries and I/O. */
export interface NameTools {
  /** Toneless pinyin of a name, one syllable per character, space-separated (`张伟` → `zhang wei`). */
  pinyin(name: string): string;
}

export interface AddressKey {
  /** The whole address in canonical form. */
  full: string;
  /** Road and number (`沪闵路1234弄`), the part that says where the door is; null when unreadable. */
  door: string | null;
  tokens: readonly string[];
}

export type AddressKeyFn = (address: string) => AddressKey;

export interface Features {
  entity: EntityType;
  size: number;
  /** ID stem (first 17 characters) and whether the full ID's check character is right. */
  idStem: (string | null)[];
  id: (string | null)[];
  idChecks: boolean[];
  name: (string | null)[];
  namePinyin: (string | null)[];
  birth: (string | null)[];
  gender: (string | null)[];
  phone: (string | null)[];
  /** A second person: an enterprise's legal person. */
  person: (string | null)[];
  address: (AddressKey | null)[];
}

const NO_VALUES: readonly (string | null)[] = [];

export function deriveFeatures(entity: EntityType, records: MatchRecords, tools: NameTools, addressKey: AddressKeyFn): Features {
  const column = (name: string): readonly (string | null)[] => {
    const f = fieldIndex(records, name);
    return f < 0 ? NO_VALUES : records.values[f]!;
  };
  const key = ENTITY_KEY[entity];
  const kind = ENTITY_FIELDS[entity][key] as 'citizenId' | 'creditCode';
  const ids = column(key);
  const names = column('name');
  const births = column('birth_date');
  const genders = column('gender');
  const phones = column(entity === 'person' ? 'mobile' : 'phone');
  const persons = column('legal_person');
  const addresses = column('address');
  const n = records.size;
  const out: Features = {
    entity,
    size: n,
    idStem: new Array(n),
    id: new Array(n),
    idChecks: new Array(n),
    name: new Array(n),
    namePinyin: new Array(n),
    birth: new Array(n),
    gender: new Array(n),
    phone: new Array(n),
    person: new Array(n),
    address: new Array(n),
  };
  const pinyinCache = new Map<string, string>();
  const addressCache = new Map<string, AddressKey>();
  for (let r = 0; r < n; r++) {
    const id = ids[r] ?? null;
    const stem = keyStem(kind, id);
    out.id[r] = stem === null ? null : id;
    out.idStem[r] = stem;
    out.idChecks[r] = stem !== null && keyChecks(kind, id!);
    const name = names[r] ?? null;
    out.name[r] = name;
    if (name === null) out.namePinyin[r] = null;
    else {
      let py = pinyinCache.get(name);
      if (py === undefined) {
        py = tools.pinyin(name);
        pinyinCache.set(name, py);
      }
      out.namePinyin[r] = py;
    }
    const birth = births[r] ?? null;
    out.birth[r] = isUsableDate(birth) ? birth : entity === 'person' && stem !== null ? birthDateFromCitizenId(id!) : null;
    const gender = genders[r] ?? null;
    const idGender = entity === 'person' && stem !== null ? genderFromCitizenId(id!) : null;
    out.gender[r] = gender === '男' || gender === '女' ? gender : idGender === 'M' ? '男' : idGender === 'F' ? '女' : null;
    const phone = phones[r] ?? null;
    out.phone[r] = isUsableMobile(phone) ? phone : null;
    out.person[r] = persons[r] ?? null;
    const address = addresses[r] ?? null;
    if (address === null) out.address[r] = null;
    else {
      let a = addressCache.get(address);
      if (a === undefined) {
        a = addressKey(address);
        if (addressCache.size < 500_000) addressCache.set(address, a);
      }
      out.address[r] = a;
    }
  }
  return out;
}
