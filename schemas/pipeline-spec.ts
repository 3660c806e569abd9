import { z } from 'zod';
import { closeMatches } from '../governance/rules/suggest.ts';
import { commonJobFields, jobSpecSchema, type JobSpec } from './job-spec.ts';

/** Step names: short, readable in the Web UI and in child workflow ids. */
const stepNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a short step name (lower-case letters, digits, _ or -)');

/**
 * A quality gate after a step: the step's measured figures against thresholds. `stop` ends the pipeline
 * before any step that depends on it, saying which gate failed and by how much; `warn` records it and
 * goes on.
 */
export const gateSchema = z
  .object({
    /** The run's accuracy (a cleanse: records published / read; a collect: valid typed values / checked). */
    accuracy: z
      .object({ min: z.number().min(0).max(1) })
      .strict()
      .optional(),
    /** Records rejected into quarantine / records read. */
    rejected: z
      .object({ max: z.number().min(0).max(1) })
      .strict()
      .optional(),
    /** Records published, at least (catches a sync that succeeded with nothing in it). */
    records: z
      .object({ min: z.number().int().min(0) })
      .strict()
      .optional(),
    onFail: z.enum(['stop', 'warn']).default('stop'),
  })
  .strict();

export const pipelineStepSchema = z
  .object({
    /** A job spec file (relative to the pipeline's file), or the spec itself inline. */
    spec: z.union([z.string().min(1), jobSpecSchema]),
    /** Steps that must have succeeded (and passed their gates) first. */
    after: z.array(stepNameSchema).default([]),
    gate: gateSchema.optional(),
  })
  .strict();

/** Why the steps' `after:` links cannot be run, if they cannot: unknown names, or a cycle. */
export function stepOrderProblems(steps: Record<string, { after: string[] }>): { path: (string | number)[]; message: string }[] {
  const names = Object.keys(steps);
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const [name, step] of Object.entries(steps)) {
    step.after.forEach((dep, i) => {
      if (dep === name) problems.push({ path: ['steps', name, 'after', i], message: `step "${name}" cannot come after itself` });
      else if (!(dep in steps)) {
        const near = closeMatches(dep, names);
        problems.push({ path: ['steps', name, 'after', i], message: `unknown step "${dep}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}` });
      }
    });
  }
  if (problems.length) return problems;
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const dep of steps[name]!.after) {
      const cycle = visit(dep, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name, []);
    if (cycle) return [{ path: ['steps'], message: `the steps depend on each other in a cycle: ${cycle.join(' → ')}` }];
  }
  return [];
}

/** Several jobs run as one: collect, then cleanse, and later distribute, fuse, tag. */
export const pipelineSpecSchema = z
  .object({
    kind: z.literal('pipeline'),
    ...commonJobFields,
    steps: z.record(stepNameSchema, pipelineStepSchema).refine((steps) => Object.keys(steps).length > 0, 'a pipeline needs at least one step'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const problem of stepOrderProblems(spec.steps)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** Anything `dataops run` starts: a single job or a pipeline of them. */
export const runnableSpecSchema = z.union([jobSpecSchema, pipelineSpecSchema]);

export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;
/** A pipeline as its workflow gets it: every step's spec loaded. */
export type ResolvedPipelineSpec = Omit<PipelineSpec, 'steps'> & { steps: Record<string, Omit<PipelineSpec['steps'][string], 'spec'> & { spec: JobSpec }> };
export type RunnableSpec = JobSpec | ResolvedPipelineSpec;
