import { describe, expect, it } from 'vitest';
import { mariadbMapping, mariadbMappings } from '../../../connectors/mariadb/type-mapping.ts';
import { copyTextForLoadData, quoteMysqlIdent } from '../../../connectors/mariadb/load-data.ts';

const typeOf = (pgType: string) => {
  const result = mariadbMapping('c', pgType);
  return result.ok ? result.mapping.type : result.problem;
};

describe('PostgreSQL to MariaDB types', () => {
  it('keeps ranges, declared scales and microseconds', () => {
    expect(typeOf('text')).toBe('LONGTEXT');
    expect(typeOf('character varying(20)')).toBe('VARCHAR(20)');
    expect(typeOf('varchar(20000)')).toBe('LONGTEXT');
    expect(typeOf('character(18)')).toBe('CHAR(18)');
    expect(typeOf('smallint')).toBe('SMALLINT');
    expect(typeOf('integer')).toBe('INT');
    expect(typeOf('bigint')).toBe('BIGINT');
    expect(typeOf('numeric(12,2)')).toBe('DECIMAL(12,2)');
    expect(typeOf('numeric(18)')).toBe('DECIMAL(18,0)');
    expect(typeOf('double precision')).toBe('DOUBLE');
    expect(typeOf('boolean')).toBe('BOOLEAN');
    expect(typeOf('date')).toBe('DATE');
    expect(typeOf('timestamp without time zone')).toBe('DATETIME(6)');
    expect(typeOf('timestamp(3) with time zone')).toBe('DATETIME(6)');
    expect(typeOf('jsonb')).toBe('JSON');
    expect(typeOf('integer[]')).toBe('JSON');
    expect(typeOf('text[]')).toBe('JSON');
    expect(typeOf('uuid')).toBe('CHAR(36)');
  });

  it('converts on the PostgreSQL side what LOAD DATA would misread', () => {
    const select = (pgType: string) => {
      const r = mariadbMapping('签发时间', pgType);
      return r.ok ? r.mapping.select : r.problem;
    };
    expect(select('timestamptz')).toBe(
      `CASE WHEN isfinite("签发时间") THEN to_char("签发时间" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') ELSE "签发时间"::text END`,
    );
    expect(select('boolean')).toBe('"签发时间"::int');
    expect(select('text[]')).toBe('to_jsonb("签发时间")::text');
    expect(select('text')).toBe('"签发时间"');
  });

  it('refuses what has no faithful counterpart, naming every column at once', () => {
    const { mappings, problems } = mariadbMappings([
      { name: 'id', pgType: 'bigint' },
      { name: 'amount', pgType: 'numeric' },
      { name: 'huge', pgType: 'numeric(70,2)' },
      { name: 'area', pgType: 'polygon' },
    ]);
    expect(mappings).toHaveLength(1);
    expect(problems).toEqual([
      expect.stringMatching(/^column amount: numeric without a declared precision/),
      "column huge: numeric(70,2) exceeds MariaDB's DECIMAL(65,38)",
      expect.stringMatching(/^column area: PostgreSQL type polygon has no faithful MariaDB type/),
    ]);
  });
});

describe('COPY text for LOAD DATA', () => {
  it('turns \\f and \\v into their bytes and leaves every other escape, and escaped backslashes, alone', () => {
    const copy = Buffer.from('a\\fb\t\\N\tc\\\\f\\v\td\\te\\nf\n');
    expect(copyTextForLoadData(copy).toString()).toBe('a\fb\t\\N\tc\\\\f\v\td\\te\\nf\n');
    const plain = Buffer.from('1\t闵行\t\\N\n');
    expect(copyTextForLoadData(plain)).toBe(plain);
  });

  it('quotes identifiers with backticks', () => {
    expect(quoteMysqlIdent('姓名')).toBe('`姓名`');
    expect(quoteMysqlIdent('a`b')).toBe('`a``b`');
  });
});
