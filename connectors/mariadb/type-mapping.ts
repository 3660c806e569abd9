import { quoteIdent } from '../postgres/quote.ts';
import { shortTypeName } from '../../governance/storage-type.ts';

/**
 * How one PostgreSQL column travels to MySQL / MariaDB: the column type it gets there, and the
 * expression the PostgreSQL side selects so that COPY text loads as that type with LOAD DATA.
 */
export interface MariadbColumnMapping {
  type: string;
  /** The SELECT expression on the PostgreSQL side (the quoted column, or a conversion of it). */
  select: string;
}

export type MappingResult = { ok: true; mapping: MariadbColumnMapping } | { ok: false; problem: string };

/** VARCHAR(n) of utf8mb4 beyond this no longer fits MariaDB's 65,535-byte row limit with other columns. */
const MAX_VARCHAR = 16_383;
const DATETIME_TEXT = `'YYYY-MM-DD HH24:MI:SS.US'`;

/**
 * The sound mapping of a PostgreSQL type (format_type or short spelling) for a column named `name`:
 * integers and decimals keep their range and declared scale, timestamps their microseconds
 * (timestamptz as UTC, since DATETIME holds no zone), booleans become 0/1, json and arrays JSON.
 * A type with no faithful counterpart is a problem naming the column, not a lossy guess.
 */
export function mariadbMapping(name: string, pgType: string): MappingResult {
  const type = shortTypeName(pgType.trim().toLowerCase());
  const column = quoteIdent(name);
  const same = (mariadb: string): MappingResult => ({ ok: true, mapping: { type: mariadb, select: column } });
  if (type.endsWith('[]')) return { ok: true, mapping: { type: 'JSON', select: `to_jsonb(${column})::text` } };
  const sized = /^(varchar|char|numeric|decimal|timestamptz|timestamp|time)\((\d+)(?:,\s*(\d+))?\)$/.exec(type);
  const base = sized ? sized[1]! : type;
  switch (base) {
    case 'text':
    case 'citext':
      return same('LONGTEXT');
    case 'varchar': {
      if (!sized) return same('LONGTEXT');
      const n = Number(sized[2]);
      return same(n <= MAX_VARCHAR ? `VARCHAR(${n})` : 'LONGTEXT');
    }
    case 'char':
    case 'bpchar': {
      const n = sized ? Number(sized[2]) : 1;
      return same(n <= 255 ? `CHAR(${n})` : `VARCHAR(${Math.min(n, MAX_VARCHAR)})`);
    }
    case 'smallint':
    case 'int2':
      return same('SMALLINT');
    case 'integer':
    case 'int':
    case 'int4':
      return same('INT');
    case 'bigint':
    case 'int8':
      return same('BIGINT');
    case 'numeric':
    case 'decimal': {
      if (!sized) {
        return {
          ok: false,
          problem: `column ${name}: numeric without a declared precision can hold more digits than MariaDB's DECIMAL (65 digits, scale 38); declare numeric(p,s) at the source or choose the target type`,
        };
      }
      const p = Number(sized[2]);
      const s = Number(sized[3] ?? 0);
      if (p > 65 || s > 38) return { ok: false, problem: `column ${name}: numeric(${p},${s}) exceeds MariaDB's DECIMAL(65,38)` };
      return same(`DECIMAL(${p},${s})`);
    }
    case 'real':
    case 'float4':
      return same('FLOAT');
    case 'float8':
      return same('DOUBLE');
    case 'boolean':
    case 'bool':
      return { ok: true, mapping: { type: 'BOOLEAN', select: `${column}::int` } };
    case 'date':
      return same('DATE');
    // to_char gives NULL for ±infinity: pass those on as text, which strict MariaDB refuses, naming them.
    case 'timestamp':
      return {
        ok: true,
        mapping: { type: 'DATETIME(6)', select: `CASE WHEN isfinite(${column}) THEN to_char(${column}, ${DATETIME_TEXT}) ELSE ${column}::text END` },
      };
    case 'timestamptz':
      return {
        ok: true,
        mapping: {
          type: 'DATETIME(6)',
          select: `CASE WHEN isfinite(${column}) THEN to_char(${column} AT TIME ZONE 'UTC', ${DATETIME_TEXT}) ELSE ${column}::text END`,
        },
      };
    case 'time':
      return same('TIME(6)');
    case 'json':
    case 'jsonb':
      return { ok: true, mapping: { type: 'JSON', select: `${column}::text` } };
    case 'uuid':
      return same('CHAR(36)');
    default:
      return { ok: false, problem: `column ${name}: PostgreSQL type ${pgType} has no faithful MariaDB type (cast it at the source, e.g. in a query source)` };
  }
}

/** Maps every column, or lists every problem at once. */
export function mariadbMappings(columns: readonly { name: string; pgType: string }[]): { mappings: MariadbColumnMapping[]; problems: string[] } {
  const mappings: MariadbColumnMapping[] = [];
  const problems: string[] = [];
  for (const c of columns) {
    const result = mariadbMapping(c.name, c.pgType);
    if (result.ok) mappings.push(result.mapping);
    else problems.push(result.problem);
  }
  return { mappings, problems };
}
