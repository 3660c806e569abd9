import type pg from 'pg';
import { BadInputError } from '../../errors/bad-input.ts';
import { RuleError } from '../../governance/tags/compile-rule.ts';
import { TagSet } from '../../governance/tags/tag-set.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';
import { type EntityQuery, entityQuery } from './entity-query.ts';
import { loadListTags, ruleTags } from './tag-lists.ts';

export const TAG_STEP = 'tag';

/** The run's as-of date: the spec's, else the run's logical date in Shanghai. */
export function tagAsOf(spec: TagJobSpec, logicalDate: string): string {
  return spec.asOf ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(logicalDate));
}

/** The entity query and the tags compiled against its fields; a rule that does not compile is bad input, named. */
export async function prepareTags(client: pg.Client, spec: TagJobSpec, asOf: string): Promise<{ query: EntityQuery; tags: TagSet }> {
  const query = await entityQuery(client, spec, asOf);
  const lists = await loadListTags(client, spec);
  const rules = ruleTags(spec);
  // Compiled one by one first, so the message names the tag whose rule is wrong.
  for (const rule of rules) {
    try {
      new TagSet(query.fields, query.columns, [rule], [], query.definitions);
    } catch (error) {
      if (error instanceof RuleError) throw new BadInputError(`tag ${rule.name}: the rule does not compile: ${error.message}`);
      throw error;
    }
  }
  try {
    return { query, tags: new TagSet(query.fields, query.columns, rules, lists, query.definitions) };
  } catch (error) {
    if (error instanceof RangeError) throw new BadInputError(error.message);
    throw error;
  }
}
