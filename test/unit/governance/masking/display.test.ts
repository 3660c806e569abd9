import { describe, expect, it } from 'vitest';
import { displayMasker, maskShape, messageKey } from '../../../../governance/masking/display.ts';
import { shapeOf } from '../../../../governance/profile/patterns.ts';

describe('what the CLI shows of a column', () => {
  it('masks L3/L4 columns by their type, and redacts an L3/L4 column of no personal type', () => {
    expect(displayMasker({ semanticType: 'citizen_id', sensitivity: 'L4' })!('310112199001011234')).toBe('310112********1234');
    expect(displayMasker({ semanticType: 'mobile', sensitivity: 'L3' })!('13812345678')).toBe('138****5678');
    expect(displayMasker({ semanticType: null, sensitivity: 'L3' })!('anything')).toBe('****');
    expect(displayMasker({ semanticType: 'chinese_name', sensitivity: 'L4' })!('张三丰')).toBe('张**');
  });

  it('leaves L1 and L2 columns as they are', () => {
    expect(displayMasker({ semanticType: 'chinese_name', sensitivity: 'L2' })).toBeUndefined();
    expect(displayMasker({ semanticType: null, sensitivity: 'L1' })).toBeUndefined();
  });

  it('stars the characters a value shape keeps as written (full-width digits), not its symbols', () => {
    const fullWidth = shapeOf('１３８１２３４５６７８');
    expect(fullWidth).toBe('１３８１２３４５６７８');
    expect(maskShape(fullWidth)).toBe('***********');
    expect(maskShape(shapeOf('310112199001011234'))).toBe('9{18}');
    expect(maskShape(shapeOf('张三 +86-138'))).toBe('汉汉 +99-999');
  });
});

describe('keys in messages anyone may read', () => {
  it('masks a key of an L3/L4 column by its type, and any key that validates as a citizen ID or a mobile', () => {
    expect(messageKey({ semanticType: 'citizen_id', sensitivity: 'L4' })('11010519491231002X')).toBe('110105********002X');
    expect(messageKey({ semanticType: null, sensitivity: 'L4' })('A-17')).not.toContain('A-17');
    expect(messageKey({ semanticType: null, sensitivity: 'L1' })('4000')).toBe('4000');
    expect(messageKey()('4000')).toBe('4000');
    expect(messageKey()('11010519491231002X')).toBe('110105********002X');
    expect(messageKey()('13812345678')).toBe('138****5678');
  });
});
