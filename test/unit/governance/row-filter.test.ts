import { describe, expect, it } from 'vitest';
import { columnsCompared, compileRowFilter, inlineRowFilter } from '../../../governance/row-filter.ts';
import { quoteIdent } from '../../../connectors/postgres/quote.ts';
import { rowFilterSchema } from '../../../schemas/row-filter.ts';
import { BadInputError } from '../../../errors/bad-input.ts';

const COLUMNS = [
  { name: 'id', pgType: 'bigint' },
  { name: 'street', pgType: 'character varying(20)' },
  { name: 'amount', pgType: 'numeric(12,2)' },
  { name: 'active', pgType: 'boolean' },
  { name: 'born', pgType: 'date' },
  { name: 'signed_at', pgType: 'timestamp with time zone' },
  { name: 'tags', pgType: 'text[]' },
  { name: 'a"; DROP TABLE x; --', pgType: 'text' },
];

const compile = (filter: unknown) => compileRowFilter(rowFilterSchema.parse(filter), COLUMNS, quoteIdent);

describe('row filter compilation', () => {
  it('compiles nested all / any / not with every value as a typed parameter', () => {
    const compiled = compile({
      all: [
        { column: 'street', op: 'in', values: ['莘庄镇', '七宝镇'] },
        {
          any: [
            { column: 'amount', op: 'ge', value: 10.5 },
            { column: 'active', op: 'eq', value: true },
          ],
        },
        { not: { column: 'born', op: 'between', values: ['1990-01-01', '1999-12-31'] } },
        { column: 'signed_at', op: 'lt', value: '2026-12-01T00:00:00+08:00' },
        { column: 'id', op: 'notNull' },
        { column: 'street', op: 'startsWith', value: '莘' },
      ],
    });
    expect(compiled.sql).toBe(
      '(("street" IN ($1::text, $2::text)) AND (("amount" >= $3::numeric) OR ("active" = $4::boolean)) AND (NOT ("born" BETWEEN $5::date AND $6::date))' +
        ' AND ("signed_at" < $7::timestamptz) AND ("id" IS NOT NULL) AND (starts_with("street"::text, $8::text)))',
    );
    expect(compiled.params).toEqual(['莘庄镇', '七宝镇', '10.5', 'true', '1990-01-01', '1999-12-31', '2026-12-01T00:00:00+08:00', '莘']);
  });

  it('keeps injection attempts in values as parameters, never SQL', () => {
    const evil = "x'); DROP TABLE clean.residents; --";
    const compiled = compile({ column: 'street', op: 'eq', value: evil });
    expect(compiled.sql).toBe('("street" = $1::text)');
    expect(compiled.params).toEqual([evil]);
    // Inlined for COPY, the driver's escaping quotes it; the SQL around it is unchanged.
    const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
    expect(inlineRowFilter(rowFilterSchema.parse({ column: 'street', op: 'eq', value: evil }), COLUMNS, quoteIdent, literal)).toBe(
      `("street" = 'x''); DROP TABLE clean.residents; --'::text)`,
    );
  });

  it('quotes a strange but existing column name, and refuses one the source lacks, naming it', () => {
    // The spec schema refuses quotes in column names outright; the compiler still quotes whatever it is given.
    expect(rowFilterSchema.safeParse({ column: 'a"; DROP TABLE x; --', op: 'isNull' }).success).toBe(false);
    expect(compileRowFilter({ column: 'a"; DROP TABLE x; --', op: 'isNull' }, COLUMNS, quoteIdent).sql).toBe('("a""; DROP TABLE x; --" IS NULL)');
    expect(() => compile({ column: 'district', op: 'eq', value: 'x' })).toThrow(BadInputError);
    expect(() => compile({ column: 'district', op: 'eq', value: 'x' })).toThrow(/filter column "district" is not a column of the source/);
    expect(() => compile({ column: 'id; DROP TABLE x; --', op: 'eq', value: 1 })).toThrow(/"id; DROP TABLE x; --" is not a column of the source/);
  });

  it('refuses values that do not fit their column, all at once, before any SQL exists', () => {
    let message = '';
    try {
      compile({
        all: [
          { column: 'id', op: 'eq', value: '1 OR 1=1' },
          { column: 'amount', op: 'gt', value: 'lots' },
          { column: 'active', op: 'eq', value: 'yes' },
          { column: 'born', op: 'eq', value: '2026-02-30' },
          { column: 'signed_at', op: 'gt', value: '2026-12-01 10:00' },
          { column: 'street', op: 'eq', value: 5 },
          { column: 'id', op: 'eq', value: '99999999999999999999' },
        ],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('filter value "1 OR 1=1" for column "id" (bigint) is not an integer');
    expect(message).toContain('"lots" for column "amount" (numeric(12,2)) is not a number');
    expect(message).toContain('"yes" for column "active" (boolean) is not true or false');
    expect(message).toContain('"2026-02-30" for column "born" (date) is not a date');
    expect(message).toContain('"2026-12-01 10:00" for column "signed_at" (timestamp with time zone) is not a timestamp with its offset');
    expect(message).toContain('5 for column "street" (character varying(20)) is not text');
    expect(message).toContain('"99999999999999999999" for column "id" (bigint) is out of range');
  });

  it('refuses operators that do not apply and types a filter cannot compare', () => {
    expect(() => compile({ column: 'id', op: 'startsWith', value: '1' })).toThrow(/startsWith applies to text columns/);
    expect(() => compile({ column: 'active', op: 'lt', value: true })).toThrow(/boolean: lt does not apply/);
    expect(() => compile({ column: 'tags', op: 'eq', value: 'a' })).toThrow(/is text\[\]: filters compare/);
  });

  it('validates the shape of conditions in the schema', () => {
    expect(rowFilterSchema.safeParse({ column: 'id', op: 'between', values: [1] }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ column: 'id', op: 'eq' }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ column: 'id', op: 'isNull', value: 1 }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ column: 'id', op: 'in', value: 1 }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ all: [] }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ sql: '1=1' }).success).toBe(false);
    expect(rowFilterSchema.safeParse({ column: 'id', op: 'eq', value: 'a\u0000b' }).success).toBe(false);
  });
});

describe('columnsCompared', () => {
  it('names the columns a filter compares with a value, not those it only tests for NULL', () => {
    expect(
      columnsCompared({
        all: [
          { column: 'street', op: 'eq', value: '莘庄镇' },
          { not: { column: 'citizen_id', op: 'isNull' } },
          {
            any: [
              { column: 'mobile', op: 'notNull' },
              { column: 'birth_date', op: 'lt', value: '1980-01-01' },
            ],
          },
        ],
      }),
    ).toEqual(['street', 'birth_date']);
    expect(columnsCompared(undefined)).toEqual([]);
  });
});
