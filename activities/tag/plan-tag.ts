import { connectPostgres } from '../../connectors/postgres/connect.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';
import type { TagPlan } from '../../schemas/tag-run.ts';
import { activityConfig, classifyErrors } from '../context.ts';
import { prepareTags, tagAsOf } from './tag-plan.ts';

/** Checks the spec against the catalogue before any row is read: tables, columns, rules and lists. */
export async function planTag(input: { spec: TagJobSpec; logicalDate: string }): Promise<TagPlan> {
  return classifyErrors(async () => {
    const asOf = tagAsOf(input.spec, input.logicalDate);
    const client = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-tag', label: 'the centre database' });
    try {
      const { query, tags } = await prepareTags(client, input.spec, asOf);
      return { asOf, fields: query.fields.map((f) => `${f.name}: ${f.type}`), versions: tags.versions() };
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}
