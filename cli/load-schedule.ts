import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scheduleFileSchema, type ScheduleFile } from '../schemas/schedule.ts';
import { formatZodError, suggestKnownKeys } from '../schemas/format-error.ts';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import { loadSpec, readYamlData, SpecError } from './load-spec.ts';

export interface LoadedSchedule {
  file: string;
  schedule: ScheduleFile;
  /** The job it runs, loaded and validated as `dataops run` would. */
  spec: RunnableSpec;
  /** Of the schedule and its job as loaded: what `schedule apply` compares to tell an unchanged schedule. */
  hash: string;
}

/** Reads a schedule file and the job spec it names (relative to the file); every problem names the file. */
export function loadScheduleFile(path: string): LoadedSchedule {
  const parsed = scheduleFileSchema.safeParse(readYamlData(path), { error: suggestKnownKeys });
  if (!parsed.success) throw new SpecError(`${path} is not a valid schedule:\n${formatZodError(parsed.error)}`);
  const schedule = parsed.data;
  const spec = loadSpec(resolve(dirname(resolve(path)), schedule.job));
  const hash = createHash('sha256').update(JSON.stringify({ schedule, spec })).digest('hex').slice(0, 16);
  return { file: path, schedule, spec, hash };
}

/** Every schedule file (*.yaml, *.yml) in the folders and files given, each schedule id once. */
export function loadSchedules(paths: readonly string[]): LoadedSchedule[] {
  const files = paths.flatMap((p) => {
    if (!statSync(p, { throwIfNoEntry: false })) throw new SpecError(`no such schedule file or folder: ${p}`);
    return statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p];
  });
  const loaded = files.map(loadScheduleFile);
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const other = seen.get(l.schedule.schedule);
    if (other) throw new SpecError(`schedule "${l.schedule.schedule}" is defined twice: ${other} and ${l.file}`);
    seen.set(l.schedule.schedule, l.file);
  }
  return loaded;
}
