import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Connection } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { connectClient } from '../../temporal/client.ts';
import { ensureSearchAttributes } from '../../temporal/ensure-search-attributes.ts';
import { ensureReconcileSchedule, RECONCILE_EVERY, RECONCILE_SCHEDULE_ID } from '../../temporal/reconcile-schedule.ts';
import { runWorker } from '../../workers/main.ts';
import { runnableSpecSchema } from '../../schemas/pipeline-spec.ts';
import { scheduleFileSchema } from '../../schemas/schedule.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { loadSpec, SpecError } from '../load-spec.ts';
import { withCentreDb } from '../centre-db.ts';
import { staticSummary, workflowIdFor, workflowInput, WorkflowInputTooLargeError } from '../../client/start-job.ts';

export async function migrateCommand(): Promise<number> {
  try {
    const { applied, createdDatabase } = await migrateLatest(loadConfig().databaseUrl);
    if (createdDatabase) console.log('created the database');
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    return 0;
  } finally {
    await closeAllDbs();
  }
}

/** Refuses to start when the centre database cannot be reached: every activity would fail against it. */
export async function workerCommand(options: { concurrency: number; identity?: string }): Promise<number> {
  await withCentreDb(() => runWorker({ maxConcurrentActivities: options.concurrency, identity: options.identity }));
  return 0;
}

/** For real clusters: registers the search attributes the Web UI filters on. */
export async function setupTemporalCommand(): Promise<number> {
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    const added = await ensureSearchAttributes(client.connection as Connection, config.temporal.namespace);
    console.log(added.length ? `registered search attributes: ${added.join(', ')}` : 'search attributes already registered');
    const created = await ensureReconcileSchedule(client, config.temporal.taskQueue);
    console.log(`${created ? 'created' : 'updated'} schedule ${RECONCILE_SCHEDULE_ID} (reconciles run records every ${RECONCILE_EVERY})`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

/** Checks every spec given, reporting each problem; exit code 2 when any is invalid. */
export function validateCommand(paths: string[]): number {
  let invalid = 0;
  for (const path of paths) {
    try {
      const spec = loadSpec(path);
      const workflowId = workflowIdFor(spec);
      try {
        workflowInput(spec, workflowId);
      } catch (error) {
        if (error instanceof WorkflowInputTooLargeError) throw new SpecError(`${path}: ${error.message}`);
        throw error;
      }
      console.log(`${path}: ok (${workflowId.replace(/:\d{8}T\d{6}$/, ':<time>')}: ${staticSummary(spec)})`);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      console.error(error.message);
      invalid++;
    }
  }
  return invalid ? 2 : 0;
}

export const JOB_SPEC_JSON_SCHEMA_PATH = join(PROJECT_ROOT, 'schemas', 'job-spec.schema.json');

export function jobSpecJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(runnableSpecSchema, { io: 'input' }), null, 2)}\n`;
}

export const SCHEDULE_JSON_SCHEMA_PATH = join(PROJECT_ROOT, 'schemas', 'schedule.schema.json');

export function scheduleJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(scheduleFileSchema, { io: 'input' }), null, 2)}\n`;
}

export function schemaCommand(options: { stdout?: boolean }): number {
  if (options.stdout) process.stdout.write(jobSpecJsonSchema());
  else {
    writeFileSync(JOB_SPEC_JSON_SCHEMA_PATH, jobSpecJsonSchema());
    writeFileSync(SCHEDULE_JSON_SCHEMA_PATH, scheduleJsonSchema());
    console.log(`wrote ${JOB_SPEC_JSON_SCHEMA_PATH} and ${SCHEDULE_JSON_SCHEMA_PATH}`);
  }
  return 0;
}
