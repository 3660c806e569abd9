import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { JOB_SPEC_JSON_SCHEMA_PATH, jobSpecJsonSchema, SCHEDULE_JSON_SCHEMA_PATH, scheduleJsonSchema } from '../../../cli/commands/admin.ts';

describe('the JSON Schema for editors', () => {
  it('is generated from the zod schema and committed up to date (run `npm run schema` after changing schemas/)', () => {
    expect(readFileSync(JOB_SPEC_JSON_SCHEMA_PATH, 'utf8')).toBe(jobSpecJsonSchema());
    expect(readFileSync(SCHEDULE_JSON_SCHEMA_PATH, 'utf8')).toBe(scheduleJsonSchema());
  });

  it('describes every kind of job, pipelines included', () => {
    const schema = JSON.parse(jobSpecJsonSchema()) as {
      anyOf: ({ oneOf?: { properties: { kind: { const: string } } }[] } & { properties?: { kind: { const: string } } })[];
    };
    const kinds = schema.anyOf.flatMap((s) => (s.oneOf ? s.oneOf.map((o) => o.properties.kind.const) : [s.properties!.kind.const]));
    expect(kinds).toEqual(['collect', 'cleanse', 'distribute', 'share', 'scan', 'stream-ingest', 'stream-publish', 'fuse', 'tag', 'pipeline']);
  });
});
