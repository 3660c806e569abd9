import { describe, expect, it } from 'vitest';
import { shortTypeName } from '../../../governance/storage-type.ts';

describe('shortTypeName', () => {
  it('gives format_type names the short form, keeping modifiers', () => {
    expect(shortTypeName('timestamp with time zone')).toBe('timestamptz');
    expect(shortTypeName('timestamp(3) with time zone')).toBe('timestamptz(3)');
    expect(shortTypeName('timestamp without time zone')).toBe('timestamp');
    expect(shortTypeName('time with time zone')).toBe('timetz');
    expect(shortTypeName('character varying(20)')).toBe('varchar(20)');
    expect(shortTypeName('character(2)')).toBe('char(2)');
    expect(shortTypeName('double precision')).toBe('float8');
  });
  it('leaves short and unknown names alone', () => {
    for (const name of ['text', 'integer', 'bigint', 'numeric(12,2)', 'timestamptz', 'jsonb', 'character varying[]']) expect(shortTypeName(name)).toBe(name);
  });
});
