import { readFile } from 'node:fs/promises';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { resolveFilePath, resolvePostgresUrl } from '../../config/connections.ts';
import type { Config } from '../../schemas/config.ts';
import type { BoundaryRef, Reference } from '../../schemas/cleanse-spec.ts';
import { BoundaryError, parseBoundary, type Boundary } from '../../governance/geo/boundary.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { ReferenceTable } from '../../governance/rules/types.ts';

async function fromFile(config: Config, name: string, ref: Extract<Reference, { type: 'file' }>): Promise<ReferenceTable> {
  const path = resolveFilePath(config, ref.connection, ref.path);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new BadInputError(`reference "${name}": file not found: ${path}`) : error;
  });
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (!lines.some((l) => l.includes(','))) return new Set(lines);
  return new Map(
    lines.map((l) => {
      const [alias, canonical] = l.split(',', 2).map((v) => v.trim()) as [string, string | undefined];
      if (!canonical) throw new BadInputError(`reference "${name}": line "${l}" is not "alias,canonical"`);
      return [alias, canonical];
    }),
  );
}

async function fromTable(config: Config, name: string, ref: Extract<Reference, { type: 'table' }>): Promise<ReferenceTable> {
  const client = await connectPostgres(resolvePostgresUrl(config, ref.connection), {
    application: 'dataops-reference',
    label: `reference "${name}" connection "${ref.connection}"`,
  });
  try {
    const exists = await client.query('SELECT to_regclass($1) AS oid', [quoteTable(ref.table)]);
    if (!exists.rows[0]?.oid) throw new BadInputError(`reference "${name}": table ${ref.table} does not exist on connection "${ref.connection}"`);
    const columns = [ref.column, ...(ref.mapTo ? [ref.mapTo] : [])];
    const sql = `SELECT ${columns.map((c) => `${quoteIdent(c)}::text AS ${quoteIdent(c)}`).join(', ')} FROM ${quoteTable(ref.table)}`;
    const result = await client.query(sql).catch((error: Error) => {
      throw new BadInputError(`reference "${name}": ${error.message}`);
    });
    if (!ref.mapTo) return new Set(result.rows.map((r) => r[ref.column] as string).filter((v) => v !== null));
    return new Map(result.rows.map((r) => [r[ref.column] as string, r[ref.mapTo!] as string]));
  } finally {
    await client.end();
  }
}

/** Loads every reference table a cleanse job names, before any row is read. */
export async function loadReferences(config: Config, references: Record<string, Reference>): Promise<Record<string, ReferenceTable>> {
  const loaded: Record<string, ReferenceTable> = {};
  for (const [name, ref] of Object.entries(references))
    loaded[name] = ref.type === 'file' ? await fromFile(config, name, ref) : await fromTable(config, name, ref);
  return loaded;
}

/** Loads and indexes every boundary file a job names (GeoJSON), before any row is read. */
export async function loadBoundaries(config: Config, boundaries: Record<string, BoundaryRef> = {}): Promise<Record<string, Boundary>> {
  const loaded: Record<string, Boundary> = {};
  for (const [name, ref] of Object.entries(boundaries)) {
    const path = resolveFilePath(config, ref.connection, ref.path);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BadInputError(`boundary "${name}": file not found: ${path}`) : error;
    });
    try {
      loaded[name] = parseBoundary(JSON.parse(text), {
        datum: ref.datum,
        select: ref.select,
        nameProperty: ref.nameProperty,
        codeProperty: ref.codeProperty,
        tolerance: ref.tolerance,
      });
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof BoundaryError) throw new BadInputError(`boundary "${name}" (${path}): ${error.message}`);
      throw error;
    }
  }
  return loaded;
}
