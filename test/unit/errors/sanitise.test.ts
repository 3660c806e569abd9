import { describe, expect, it } from 'vitest';
import { sanitiseErrorText } from '../../../errors/sanitise.ts';

describe('error texts before they are stored', () => {
  it('escapes NUL and other control bytes, keeps line breaks and tabs, redacts secrets, caps the length', () => {
    expect(sanitiseErrorText('bad \u0000 byte\u001b[31m in\tfield\nnext')).toBe('bad \\x00 byte\\x1b[31m in\tfield\nnext');
    expect(sanitiseErrorText('cannot connect to postgres://app:s3cret@db/x')).toBe('cannot connect to postgres://app:***@db/x');
    const long = sanitiseErrorText('x'.repeat(5_000));
    expect(long.startsWith('x'.repeat(2_000))).toBe(true);
    expect(long).toContain('(3000 more characters)');
  });
});
