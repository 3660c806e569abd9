import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../../governance/semantic/credit-code.ts';
import { detectSemanticType, isChineseName, isValidEmail, SEMANTIC_TYPES, shapeFor, validatorFor } from '../../../governance/semantic/detect.ts';

const rand = mulberry32(7);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

function citizenId(): string {
  const first17 = `310112${1950 + int(60)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}${pad(int(1000), 3)}`;
  return first17 + citizenIdCheckChar(first17);
}
function creditCode(digitsOnly = false): string {
  const alphabet = digitsOnly ? '0123456789' : CREDIT_CODE_ALPHABET;
  let body = '91310112';
  for (let i = 0; i < 9; i++) body += alphabet[int(alphabet.length)];
  return body + creditCodeCheckChar(body);
}
const mobile = () => `1${pick(['38', '39', '50', '86', '77', '99'])}${pad(int(1e8), 8)}`;
const email = () => `${pick(['zhang', 'li.wei', 'wang_fang', 'chen88'])}${int(1000)}@${pick(['example.com', 'mh.gov.cn', 'qq.com'])}`;
const date = () => `${2000 + int(24)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}`;
const coordinate = () => `${(121.3 + rand() * 0.2).toFixed(6)},${(31.0 + rand() * 0.2).toFixed(6)}`;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '欧阳', '诸葛'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋'];
const name = () => pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : '');
const STREETS = ['江川路', '古美路', '七莘路', '沪闵路', '莘松路'];
const address = () => `上海市闵行区${pick(STREETS)}${1 + int(999)}号`;

const column = (gen: () => string, n = 200) => Array.from({ length: n }, gen);

describe('detectSemanticType', () => {
  it.each([
    ['citizen_id', () => citizenId()],
    ['credit_code', () => creditCode()],
    ['mobile', mobile],
    ['email', email],
    ['date', date],
    ['coordinate', coordinate],
    ['chinese_name', name],
    ['address', address],
  ] as const)('recognises a %s column', (type, gen) => {
    expect(detectSemanticType(column(gen))).toBe(type);
  });

  it('tells all-digit credit codes from citizen IDs by their checksums', () => {
    expect(detectSemanticType(column(() => creditCode(true)))).toBe('credit_code');
    expect(detectSemanticType(column(citizenId))).toBe('citizen_id');
  });

  it('recognises 15-digit legacy IDs and IDs with a lower-case x by shape', () => {
    const legacy = column(() => citizenId().slice(0, 6) + citizenId().slice(8, 17));
    expect(detectSemanticType(legacy)).toBe('citizen_id');
    // Every value fits the credit-code shape too and none passes either checksum: the tie goes to IDs.
    const lowerX = column(() => `${citizenId().slice(0, 17)}x`);
    expect(detectSemanticType(lowerX)).toBe('citizen_id');
  });

  it('tolerates up to 20% of other values and ignores empty ones', () => {
    const values = [...column(mobile, 80), ...column(() => 'unknown', 20), ...Array<string>(50).fill('')];
    expect(detectSemanticType(values)).toBe('mobile');
    const tooDirty = [...column(mobile, 79), ...column(() => 'n/a', 21)];
    expect(detectSemanticType(tooDirty)).toBeNull();
  });

  it('needs at least 20 non-empty values', () => {
    expect(detectSemanticType([...column(mobile, 19), '', '', ''])).toBeNull();
    expect(detectSemanticType(column(mobile, 20))).toBe('mobile');
  });

  it('does not let name or address claim an ID-like column', () => {
    // 75% IDs, 25% names: no structured type reaches 80% and names must not win either.
    const ids = [...column(citizenId, 75), ...column(name, 25)];
    expect(detectSemanticType(ids)).toBeNull();
    // Addresses mixed with a minority of mobile numbers (a free-text contact column).
    const contacts = [...column(address, 82), ...column(mobile, 18)];
    expect(detectSemanticType(contacts)).toBe('address');
    // Exactly 80% addresses would qualify, but 20% structured values veto the free-text guess.
    const phonesAndAddresses = [...column(address, 80), ...column(mobile, 20)];
    expect(detectSemanticType(phonesAndAddresses)).toBeNull();
  });

  it('returns null for plain numbers, codes and free text', () => {
    expect(detectSemanticType(column(() => String(int(100000))))).toBeNull();
    expect(detectSemanticType(column(() => `ORD-${pad(int(1e6), 6)}`))).toBeNull();
    expect(detectSemanticType(column(() => '这是一段比较长的备注文字内容'))).toBeNull();
  });
});

describe('validators', () => {
  it('every generated value passes its own validator and shape', () => {
    const gens: Record<string, () => string> = {
      citizen_id: citizenId,
      credit_code: creditCode,
      mobile,
      email,
      date,
      coordinate,
      chinese_name: name,
      address,
    };
    for (const type of SEMANTIC_TYPES) {
      const gen = gens[type]!;
      for (let i = 0; i < 50; i++) {
        const v = gen();
        expect(validatorFor(type)(v), `${type} ${v}`).toBe(true);
        expect(shapeFor(type)(v), `${type} ${v}`).toBe(true);
      }
    }
  });

  it('the citizen ID validator is stricter than its shape', () => {
    const shape = shapeFor('citizen_id');
    const valid = validatorFor('citizen_id');
    expect(shape('11010519491231002x')).toBe(true);
    expect(valid('11010519491231002x')).toBe(false);
    expect(shape('110105491231002')).toBe(true);
    expect(valid('110105491231002')).toBe(false);
    expect(valid('11010519491231002X')).toBe(true);
  });

  it('validates e-mail addresses', () => {
    expect(isValidEmail('li.wei@mh.gov.cn')).toBe(true);
    expect(isValidEmail('a+b@example.co')).toBe(true);
    expect(isValidEmail('a..b@example.com')).toBe(false);
    expect(isValidEmail('.ab@example.com')).toBe(false);
    expect(isValidEmail('ab@example')).toBe(false);
    expect(isValidEmail('ab@-example.com')).toBe(false);
    expect(isValidEmail('a@b@example.com')).toBe(false);
    expect(isValidEmail('ab @example.com')).toBe(false);
  });

  it('validates Chinese names including dotted and rare-character names', () => {
    expect(isChineseName('王伟')).toBe(true);
    expect(isChineseName('欧阳娜娜')).toBe(true);
    expect(isChineseName('买买提·艾力')).toBe(true);
    expect(isChineseName('\u{20BB7}明')).toBe(true); // 𠮷明: surrogate pair counts as one character
    expect(isChineseName('王')).toBe(false);
    expect(isChineseName('王伟1')).toBe(false);
    expect(isChineseName('上海市闵行区')).toBe(false);
    expect(isChineseName('·王伟')).toBe(false);
  });

  it('throws for an unknown type', () => {
    expect(() => validatorFor('passport' as never)).toThrow(RangeError);
  });
});
