// Reads a rule's parameters defensively at compile time: specs arrive from YAML, so types are not a given.
import { isIsoDate } from '../semantic/dates.ts';
import { closeMatches } from './suggest.ts';
import type { MapSource, SetSource } from './params.ts';

/** A parameter problem; the plan compiler adds where it happened. */
export class RuleParamError extends Error {
  override readonly name = 'RuleParamError';
}

export class ParamReader {
  private readonly p: Record<string, unknown>;

  constructor(params: unknown, allowed: readonly string[]) {
    if (params === undefined || params === null) {
      this.p = {};
    } else if (typeof params !== 'object' || Array.isArray(params)) {
      throw new RuleParamError('params must be an object');
    } else {
      this.p = params as Record<string, unknown>;
    }
    for (const key of Object.keys(this.p)) {
      if (allowed.includes(key)) continue;
      const near = closeMatches(key, allowed);
      const hint = near.length ? `; did you mean ${near.join(', ')}?` : allowed.length ? `; known: ${allowed.join(', ')}` : '; it takes none';
      throw new RuleParamError(`unknown parameter '${key}'${hint}`);
    }
  }

  /** The raw value, for nested parameters read by their own reader. */
  raw(key: string): unknown {
    return this.p[key];
  }

  has(key: string): boolean {
    return this.p[key] !== undefined;
  }

  string(key: string): string {
    const v = this.p[key];
    if (typeof v !== 'string' || v.length === 0) throw new RuleParamError(`params.${key} must be a non-empty string`);
    return v;
  }

  optString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  optIsoDate(key: string): string | undefined {
    const v = this.optString(key);
    if (v !== undefined && !isIsoDate(v)) throw new RuleParamError(`params.${key} must be an ISO date (yyyy-mm-dd), got '${v}'`);
    return v;
  }

  optBoolean(key: string): boolean | undefined {
    const v = this.p[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new RuleParamError(`params.${key} must be true or false`);
    return v;
  }

  optNumber(key: string): number | undefined {
    const v = this.p[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RuleParamError(`params.${key} must be a finite number`);
    return v;
  }

  stringArray(key: string): string[] {
    const v = this.p[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new RuleParamError(`params.${key} must be a list of strings`);
    return v as string[];
  }

  optStringArray(key: string): string[] | undefined {
    return this.has(key) ? this.stringArray(key) : undefined;
  }

  record(key: string): Record<string, string> {
    const v = this.p[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
      throw new RuleParamError(`params.${key} must be a map of strings to strings`);
    }
    return v as Record<string, string>;
  }
}

/** `{ values }` or `{ table }` as read from params (or from a nested param such as `pilots`). */
export function readSetSource(raw: unknown, where: string): SetSource {
  const r = new ParamReader(raw, ['values', 'table']);
  if (r.has('values') === r.has('table')) throw new RuleParamError(`${where} needs exactly one of values or table`);
  return r.has('table') ? { table: r.string('table') } : { values: r.stringArray('values') };
}

export function readMapSource(raw: unknown, where: string): MapSource {
  const r = new ParamReader(raw, ['map', 'table']);
  if (r.has('map') === r.has('table')) throw new RuleParamError(`${where} needs exactly one of map or table`);
  return r.has('table') ? { table: r.string('table') } : { map: r.record('map') };
}
