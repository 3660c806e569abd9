import { z } from 'zod';
import { cronProblem, isTimeZone } from './cron.ts';
import { slugSchema } from './identifiers.ts';
import { durationSchema } from './duration.ts';

/** What to do when a run is due while the previous one still runs. */
export const overlapSchema = z.enum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']);

/**
 * A schedule as code (samples/schedules/*.yaml): which job runs when. `dataops schedule apply <dir>`
 * makes Temporal's schedules match the files.
 */
export const scheduleFileSchema = z
  .object({
    /** The schedule's id in Temporal: lower-case letters, digits, ., _ and -. */
    schedule: slugSchema,
    description: z.string().optional(),
    /** The job spec (collect, cleanse or pipeline) to run, relative to this file. */
    job: z.string().min(1),
    /** Cron expressions (5 fields), read in `timeZone`; or `every`. */
    cron: z
      .union([z.string(), z.array(z.string()).min(1)])
      .transform((c) => (Array.isArray(c) ? c : [c]))
      .superRefine((list, ctx) => {
        for (const expression of list) {
          const problem = cronProblem(expression);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      })
      .optional(),
    /** A fixed interval instead of cron: `30s`, `15m`, `6h`. */
    every: durationSchema.optional(),
    timeZone: z.string().refine(isTimeZone, { message: 'is not a time zone this runtime knows (an IANA name like Asia/Shanghai)' }).default('Asia/Shanghai'),
    overlap: overlapSchema.default('skip'),
    /** How late a missed run may still start (after a server outage); set it explicitly for nightly jobs. */
    catchupWindow: durationSchema.default('1h'),
    /** Random delay added to each run, spreading load (e.g. `5m`). */
    jitter: durationSchema.optional(),
    paused: z.boolean().default(false),
    /** Why it is paused, shown in the Web UI and `schedule list`. */
    note: z.string().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (Boolean(s.cron) === Boolean(s.every)) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give exactly one of cron or every' });
  });

export type ScheduleFile = z.infer<typeof scheduleFileSchema>;
