import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { jobSpecSchema, type JobSpec } from '../schemas/job-spec.ts';
import { formatZodError, suggestKnownKeys } from '../schemas/format-error.ts';
import { offlineRuleProblems } from '../governance/rules/offline-check.ts';
import type { LooseTableRuleSpec } from '../governance/rules/spec.ts';

export class SpecError extends Error {
  override readonly name = 'SpecError';
}

/**
 * Reads and validates a YAML job spec. Errors name the file and the path inside it; file paths
 * without a connection are made absolute relative to the spec, so workers anywhere can find them.
 */
export function loadJobSpec(path: string): JobSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SpecError(`no such job spec: ${path}`);
    if (code === 'EISDIR') throw new SpecError(`${path} is a directory, not a job spec`);
    throw new SpecError(`cannot read job spec ${path}: ${(error as Error).message}`);
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length) {
    throw new SpecError(`${path} is not valid YAML:\n${document.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  const parsed = jobSpecSchema.safeParse(document.toJS(), { error: suggestKnownKeys });
  if (!parsed.success) throw new SpecError(`${path} is not a valid job spec:\n${formatZodError(parsed.error)}`);
  const spec = parsed.data;
  const here = dirname(resolve(path));
  if (spec.source.type === 'file' && !spec.source.connection && !isAbsolute(spec.source.path)) spec.source.path = resolve(here, spec.source.path);
  if (spec.kind === 'cleanse') {
    for (const ref of Object.values(spec.references)) if (ref.type === 'file' && !ref.connection && !isAbsolute(ref.path)) ref.path = resolve(here, ref.path);
    const problems = offlineRuleProblems(spec.rules as LooseTableRuleSpec, spec.references, spec.today);
    if (problems.length) {
      throw new SpecError(`${path}: the rules do not compile:\n${problems.map((p) => `  rules.${p}`).join('\n')}`);
    }
  }
  return spec;
}
