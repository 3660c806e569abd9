import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { JOB_SPEC_JSON_SCHEMA_PATH, jobSpecJsonSchema } from '../../../cli/commands/admin.ts';

describe('the JSON Schema for editors', () => {
  it('is generated from the zod schema and committed up to date (run `npm run schema` after changing schemas/)', () => {
    expect(readFileSync(JOB_SPEC_JSON_SCHEMA_PATH, 'utf8')).toBe(jobSpecJsonSchema());
  });

  it('describes both job kinds', () => {
    const schema = JSON.parse(jobSpecJsonSchema()) as { oneOf: { properties: { kind: { const: string } } }[] };
    expect(schema.oneOf.map((s) => s.properties.kind.const)).toEqual(['collect', 'cleanse']);
  });
});
