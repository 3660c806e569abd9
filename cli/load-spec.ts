import { ruleSyntaxProblem } from '../governance/tags/compile-rule.ts';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { jobSpecSchema, type JobSpec } from '../schemas/job-spec.ts';
import { pipelineSpecSchema, type RunnableSpec } from '../schemas/pipeline-spec.ts';
import { formatZodError, suggestKnownKeys } from '../schemas/format-error.ts';
import { offlineRuleProblems } from '../governance/rules/offline-check.ts';
import type { LooseTableRuleSpec } from '../governance/rules/spec.ts';

export class SpecError extends Error {
  override readonly name = 'SpecError';
}

/**
 * A job spec is a page of YAML; long value lists belong in reference files. Parsing a 50 MB document
 * took 2 GB of memory, and what the workflow gets must stay well under Temporal's payload limit anyway.
 */
export const MAX_SPEC_BYTES = 1024 * 1024;

export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The file's text, its size checked before anything is read. */
function readSpecText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SpecError(`no such job spec: ${path}`);
    throw new SpecError(`cannot read job spec ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new SpecError(`${path} is a directory, not a job spec`);
    if (stat.size > MAX_SPEC_BYTES) {
      throw new SpecError(
        `${path} is ${formatBytes(stat.size)}, over the ${MAX_SPEC_BYTES / (1024 * 1024)} MiB limit for job specs (long value lists belong in reference files)`,
      );
    }
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(`cannot read job spec ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** The yaml package's own default, made explicit: a spec needs few aliases if any. */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; alias expansion past MAX_ALIAS_COUNT is refused ("billion laughs"). */
function toData(path: string, document: ReturnType<typeof parseDocument>): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (/excessive alias count/i.test((error as Error).message)) {
      throw new SpecError(
        `${path} is not a valid job spec: the document uses too many YAML aliases (refused as a possible "billion laughs" document; a spec needs few if any)`,
      );
    }
    throw new SpecError(`${path} is not valid YAML:\n  ${(error as Error).message}`);
  }
}

/** A YAML file (a job spec, a schedule) as plain data: size-checked, parse errors and alias bombs refused with the file named. */
export function readYamlData(path: string): unknown {
  const document = parseDocument(readSpecText(path), { prettyErrors: true });
  if (document.errors.length) {
    throw new SpecError(`${path} is not valid YAML:\n${document.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  return toData(path, document);
}

/**
 * A file named without a connection lives in the spec's own folder (or below it). Anything else, an
 * absolute path elsewhere or one that climbs out with `..`, needs a `files` connection whose root an
 * operator chose: a spec must not be a way to read /etc/passwd off a worker.
 */
function besideSpec(specPath: string, here: string, where: string, path: string): string {
  const full = resolve(here, path);
  const rel = relative(here, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new SpecError(
      `${specPath}: ${where}: "${path}" is outside the job spec's folder; put the file beside the spec or name a files connection (see README: connections)`,
    );
  }
  return full;
}

/**
 * Reads and validates a YAML job spec. Errors name the file and the path inside it; file paths
 * without a connection are made absolute relative to the spec, so workers anywhere can find them.
 */
export function loadJobSpec(path: string): JobSpec {
  const spec = loadSpec(path);
  if (spec.kind === 'pipeline') throw new SpecError(`${path} is a pipeline, not a single job`);
  return spec;
}

/** A job spec or a pipeline (each step's spec loaded from its file, or checked inline), validated as `run` needs it. */
export function loadSpec(path: string): RunnableSpec {
  const data = readYamlData(path);
  if ((data as { kind?: unknown } | null)?.kind !== 'pipeline') return checkedJobSpec(path, data);
  const parsed = pipelineSpecSchema.safeParse(data, { error: suggestKnownKeys });
  if (!parsed.success) throw new SpecError(`${path} is not a valid pipeline:\n${formatZodError(parsed.error)}`);
  const here = dirname(resolve(path));
  const steps = Object.fromEntries(
    Object.entries(parsed.data.steps).map(([name, step]) => {
      const spec = typeof step.spec === 'string' ? loadJobSpec(resolve(here, step.spec)) : checkedJobSpec(`${path} (step ${name})`, step.spec, here);
      if (spec.kind === 'stream-ingest')
        throw new SpecError(`${path}: step ${name} is a stream, which runs until stopped: start it on its own with dataops run`);
      // A step the pipeline waits for must end: a following stream output publishes until cancelled.
      if (spec.kind === 'stream-publish' && spec.follow) {
        throw new SpecError(
          `${path}: step ${name} follows its table (follow: every ${spec.follow.every}) and never ends: a pipeline step publishes one pass (drop follow)`,
        );
      }
      return [name, { ...step, spec }];
    }),
  );
  return { ...parsed.data, steps };
}

/** A single job's spec from its data: schema, paths beside the spec, rules compiled offline. */
function checkedJobSpec(path: string, data: unknown, here = dirname(resolve(path))): JobSpec {
  const parsed = jobSpecSchema.safeParse(data, { error: suggestKnownKeys });
  if (!parsed.success) throw new SpecError(`${path} is not a valid job spec:\n${formatZodError(parsed.error)}`);
  const spec = parsed.data;
  if (spec.kind === 'scan') return spec;
  if (spec.kind === 'tag') {
    const problems: string[] = [];
    for (const [name, tag] of Object.entries(spec.tags)) {
      if (tag.list?.path && !tag.list.connection) tag.list.path = besideSpec(path, here, `tags.${name}.list.path`, tag.list.path);
      const problem = tag.rule === undefined ? undefined : ruleSyntaxProblem(tag.rule);
      if (problem) problems.push(`  tags.${name}.rule: ${problem}`);
    }
    if (problems.length) throw new SpecError(`${path}: the tag rules do not compile:\n${problems.join('\n')}`);
    return spec;
  }
  if ((spec.kind === 'collect' || spec.kind === 'cleanse') && spec.source.type === 'file' && !spec.source.connection) {
    spec.source.path = besideSpec(path, here, 'source.path', spec.source.path);
  }
  if (spec.kind === 'cleanse' || spec.kind === 'stream-ingest') {
    for (const [name, ref] of Object.entries(spec.references))
      if (ref.type === 'file' && !ref.connection) ref.path = besideSpec(path, here, `references.${name}.path`, ref.path);
    if (spec.kind === 'stream-ingest' && spec.devices?.registry.type === 'file' && !spec.devices.registry.connection) {
      spec.devices.registry.path = besideSpec(path, here, 'devices.registry.path', spec.devices.registry.path);
    }
    const problems = offlineRuleProblems(spec.rules as LooseTableRuleSpec, spec.references, spec.kind === 'cleanse' ? spec.today : undefined);
    if (problems.length) {
      throw new SpecError(`${path}: the rules do not compile:\n${problems.map((p) => `  rules.${p}`).join('\n')}`);
    }
  }
  return spec;
}
