import { describe, expect, it } from 'vitest';
import {
  address,
  bankCard,
  citizenId,
  email,
  keep,
  landline,
  landlineParts,
  mobile,
  name,
  nullify,
  plate,
  REDACTED,
  redact,
} from '../../../../governance/masking/masks.ts';

const MASKS = { address, bankCard, citizenId, email, keep, landline, mobile, name, plate, redact } as const;

describe('every mask', () => {
  const odd: unknown[] = ['x', '1', '@', '·', '＠', '😀', '𠀋', '\u0000', 'a'.repeat(10_000), 42, 310112199001011234n, new Date(0), {}, true];

  it.each(Object.entries(MASKS))('%s: null stays null, empty and blank stay as they are', (_, mask) => {
    expect(mask(null)).toBeNull();
    expect(mask(undefined)).toBeNull();
    expect(mask('')).toBe('');
    expect(mask('  \u3000')).toBe('  \u3000');
  });

  it.each(Object.entries(MASKS))('%s: never throws on odd input and never returns it unchanged', (_, mask) => {
    for (const v of odd) {
      const out = mask(v);
      expect(typeof out).toBe('string');
      expect(out).not.toBe(String(v));
      expect(out).toContain('*');
    }
  });

  it('nullify always gives null', () => {
    expect(nullify('张三')).toBeNull();
    expect(nullify(null)).toBeNull();
  });
});

describe('name', () => {
  it.each([
    ['张三丰', '张**'],
    ['张三', '张*'],
    ['张', '*'],
    ['欧阳娜娜', '欧***'],
    [' 张 三 丰 ', '张**'],
    ['\u3000张三\u3000', '张*'],
    ['阿卜杜·热合曼', '阿******'],
    ['𠀋三', '𠀋*'],
    ['John Smith', 'J*********'],
    ['Ｊｏｈｎ', 'J***'],
  ])('%s -> %s', (raw, expected) => {
    expect(name(raw)).toBe(expected);
  });
});

describe('citizenId', () => {
  it.each([
    ['310112199001011234', '310112********1234'],
    ['31011219900101123x', '310112********123X'],
    ['３１０１１２１９９００１０１１２３４', '310112********1234'],
    [' 310112 19900101 1234 ', '310112********1234'],
    // A legacy number is upgraded to 18 (19 inserted, check char appended) before masking.
    ['310112900101123', '310112********1233'],
  ])('%s -> %s', (raw, expected) => {
    expect(citizenId(raw)).toBe(expected);
  });

  it('takes a pattern', () => {
    expect(citizenId('310112199001011234', 1, 2)).toBe('3***************34');
    expect(citizenId('310112199001011234', 0, 0)).toBe('*'.repeat(18));
    expect(citizenId('310112199001011234', 14, 0)).toBe('31011219900101****');
  });

  it('keeps at most half when a pattern would show everything', () => {
    expect(citizenId('310112199001011234', 10, 10)).toBe('310112199*********');
  });

  it('keeps at most the area code of something that is not an ID', () => {
    expect(citizenId('31011219900101123')).toBe('310112***********');
    expect(citizenId('3101121990010112345')).toBe('310112*************');
    expect(citizenId('31011219900101123Y')).toBe('310112************');
    expect(citizenId('3101121', 14, 0)).toBe('310****');
    expect(citizenId('abc')).toBe('a**');
  });
});

describe('mobile', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+86 138-1234-5678', '138****5678'],
    ['8613812345678', '138****5678'],
    ['（＋８６）１３８１２３４５６７８', '138****5678'],
    ['138.1234.5678', '138****5678'],
  ])('%s -> %s', (raw, expected) => {
    expect(mobile(raw)).toBe(expected);
  });

  it('takes a pattern', () => {
    expect(mobile('13812345678', 3, 0)).toBe('138********');
  });

  it('masks a fixed-line number in a phone column as one', () => {
    expect(mobile('021-64123456')).toBe('021-****3456');
  });

  it('keeps at most 3 characters of anything else', () => {
    expect(mobile('12812345678')).toBe('128********');
    expect(mobile('12345')).toBe('12***');
  });
});

describe('landline', () => {
  it.each([
    ['021-64123456', '021-****3456'],
    ['02164123456', '021-****3456'],
    ['(021)64123456', '021-****3456'],
    ['（021） 6412 3456', '021-****3456'],
    ['０２１－６４１２３４５６', '021-****3456'],
    ['010-87654321', '010-****4321'],
    ['0571-8888888', '0571-***8888'],
    ['057188888888', '0571-****8888'],
    ['+86 21 6412 3456', '021-****3456'],
    ['0086-571-8888888', '0571-***8888'],
    ['021-64123456-123', '021-****3456-***'],
    ['+86 21 6412 3456 转 89', '021-****3456-**'],
    ['021-64123456 ext. 7', '021-****3456-*'],
    ['64123456', '****3456'],
    ['6412345', '***2345'],
  ])('%s -> %s', (raw, expected) => {
    expect(landline(raw)).toBe(expected);
  });

  it('reads area codes of 3 digits (010, 02x) before 8 local digits and of 4 before 7 or 8', () => {
    expect(landlineParts('0216412345')).toBeNull(); // 021 + 7 digits is not a number
    expect(landlineParts('0571-8888888')).toEqual({ area: '0571', local: '8888888', extension: '' });
    expect(landlineParts('021-04123456')).toBeNull(); // local numbers never start with 0 or 1
  });

  it('masks a mobile as one, and keeps at most 3 characters of anything else', () => {
    expect(landline('13812345678')).toBe('138****5678');
    expect(landline('010-12345678')).toBe('010*********');
    expect(landline('12')).toBe('1*');
  });
});

describe('address', () => {
  it.each([
    ['上海市闵行区莘庄镇莘松路380号5室', '上海市闵行区莘庄镇****'],
    ['上海市闵行区莘松路380号', '上海市闵行区****'],
    ['闵行区江川路街道某路1号', '闵行区江川路街道****'],
    ['上海市闵行区古美路街道平南路12弄3号', '上海市闵行区古美路街道****'],
    ['上海 市 闵行区 七宝镇 漕宝路', '上海市闵行区七宝镇****'],
    ['上海闵行区浦江镇联航路1188号', '上海闵行区浦江镇****'],
    ['浦江镇联航路1188号', '浦江镇****'],
    ['浙江省杭州市西湖区北山街道1号', '浙江省杭州市西湖区北山街道****'],
    ['江苏省苏州市昆山市玉山镇人民路', '江苏省苏州市昆山市玉山镇****'],
    ['新疆维吾尔自治区乌鲁木齐市天山区', '新疆维吾尔自治区乌鲁木齐市天山区****'],
    // A division suffix inside a road's name is not a division.
    ['上海市长宁区镇宁路1号', '上海市长宁区****'],
    ['上海市闵行区都市路5001号', '上海市闵行区****'],
    ['上海市闵行区新镇路88号', '上海市闵行区****'],
    // Nor is a residential compound a district.
    ['上海市闵行区春申小区5号', '上海市闵行区****'],
    ['春申小区5号', '****'],
    // No division at all: nothing is shown.
    ['莘松路380号5室', '****'],
    ['Room 5, 380 Xinsong Rd', '****'],
  ])('%s -> %s', (raw, expected) => {
    expect(address(raw)).toBe(expected);
  });

  it('hides the tail whatever its length', () => {
    expect(address('上海市闵行区莘庄镇1号')).toBe(address('上海市闵行区莘庄镇莘松路380弄12号501室'));
  });
});

describe('email', () => {
  it.each([
    ['zhangsan@example.cn', 'z*******@example.cn'],
    ['a@b.cn', '*@b.cn'],
    [' zhang@example.cn ', 'z****@example.cn'],
    ['ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ', 'z****@example.cn'],
    ['zhangsan', 'z*******'],
    ['a@b@c.cn', 'a*******'],
    ['@example.cn', '@**********'],
  ])('%s -> %s', (raw, expected) => {
    expect(email(raw)).toBe(expected);
  });
});

describe('bankCard', () => {
  it.each([
    ['6222021234567890123', '622202*********0123'],
    ['6222 0212 3456 7890 123', '622202*********0123'],
    ['6222-0212-3456-7890', '622202******7890'],
    ['622202123456', '622202**3456'],
  ])('%s -> %s', (raw, expected) => {
    expect(bankCard(raw)).toBe(expected);
  });

  it('keeps at most half of the first 6 of something that is not a card number', () => {
    expect(bankCard('62220212')).toBe('6222****');
    expect(bankCard('62220212345678901234')).toBe('622202**************');
  });
});

describe('plate', () => {
  it.each([
    ['沪A12345', '沪A***45'],
    ['沪AD12345', '沪A****45'],
    ['沪A12345D', '沪A****5D'],
    ['沪a·12345', '沪A***45'],
    ['沪A-1234警', '沪A***4警'],
    ['ABC123', 'AB****'],
  ])('%s -> %s', (raw, expected) => {
    expect(plate(raw)).toBe(expected);
  });
});

describe('keep and redact', () => {
  it('keep shows the requested ends, or at most half of a short value', () => {
    expect(keep('abcdefgh', 2, 2)).toBe('ab****gh');
    expect(keep('abcd', 3, 3)).toBe('ab**');
    expect(keep('abcd', 0, 3)).toBe('*bcd');
    expect(keep('统一社会信用代码', 2, 0)).toBe('统一******');
    expect(keep(' abc ', 1, 0)).toBe('a**');
  });

  it('redact hides the length too', () => {
    expect(redact('a')).toBe(REDACTED);
    expect(redact('a very long value')).toBe(REDACTED);
  });
});
