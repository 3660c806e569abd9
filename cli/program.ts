import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { redactSecrets } from '../config/redact.ts';
import { SpecError } from './load-spec.ts';
import { runStatusSchema } from '../schemas/metrics.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const REVEAL_HELP = `
Values of columns the catalogue grades L3 or L4 (citizen IDs, mobiles, ...) are masked as a distribution
would mask them. --reveal shows them in clear and first writes an audit entry (action reveal, your
user@host, the run, rows and columns shown): see dataops audit. Records without such columns print as they are.`;

/** Exit code 2: the spec itself is wrong, or too large to start as a workflow (checked in startJob). */
async function isInvalidSpec(error: unknown): Promise<boolean> {
  if (error instanceof SpecError) return true;
  // Loaded only on this path: start-job pulls in the Temporal SDK, and `--help` stays instant.
  const { WorkflowInputTooLargeError } = await import('../client/start-job.ts');
  return error instanceof WorkflowInputTooLargeError;
}

/** Each action returns its exit code; modules load lazily so `--help` stays instant. */
function action<A extends unknown[]>(body: (...args: A) => Promise<number> | number) {
  return async (...args: A) => {
    try {
      process.exitCode = await body(...args);
    } catch (error) {
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      const invalidSpec = await isInvalidSpec(error);
      console.error(invalidSpec ? message : `error: ${message}`);
      if (process.env.DATAOPS_DEBUG && error instanceof Error && error.stack) console.error(redactSecrets(error.stack));
      process.exitCode = invalidSpec ? 2 : 1;
    }
  };
}

/** The whole command tree; built on demand so tests can walk it without running anything. */
export function buildProgram(): Command {
  const program = new Command('dataops')
    .description('Data operations and governance jobs for a district big-data centre, run on Temporal.')
    .version(packageVersion(), '-V, --version', 'print the dataops version')
    // Program options only before the command: `catalog show x --version 2` is that command's --version.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Environment:
  DATABASE_URL        centre PostgreSQL (default postgres://postgres@127.0.0.1:5432/dataops; created if missing)
  TEMPORAL_ADDRESS    Temporal frontend (default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default "default")
  DATAOPS_CONFIG      YAML config file with named connections (default ./dataops.config.yaml if present)
  LOG_LEVEL           pino log level for workers (default info)

Start here:
  dataops demo                                   collect and catalogue the bundled samples end to end
  dataops run samples/jobs/collect-residents.yaml --wait`,
    );

  const dev = program
    .command('dev')
    .description('start a local Temporal dev server with Web UI, run migrations and a worker (history kept in .state/)')
    .option('--port <port>', 'Temporal gRPC port', positiveInt, 7233)
    .option('--ui-port <port>', 'Web UI port', positiveInt, 8233)
    .option('--no-worker', 'do not run a worker in this process')
    .option('--detach', 'run in the background and return once ready')
    .action(
      action(async (options: { port: number; uiPort: number; worker: boolean; detach?: boolean }) => (await import('./commands/dev.ts')).devCommand(options)),
    );
  dev
    .command('stop')
    .description('stop the background dev server started with --detach')
    .action(action(async () => (await import('./commands/dev.ts')).devStopCommand()));
  dev
    .command('status')
    .description('show whether a background dev server runs, and where')
    .action(action(async () => (await import('./commands/dev.ts')).devStatusCommand()));

  program
    .command('worker')
    .description('run a worker on the dataops task queue until SIGINT/SIGTERM')
    .option('--concurrency <n>', 'activities run at once', positiveInt, 4)
    .option('--identity <name>', 'worker identity shown in Temporal')
    .action(action(async (options: { concurrency: number; identity?: string }) => (await import('./commands/admin.ts')).workerCommand(options)));

  program
    .command('migrate')
    .description('create the database if missing and apply the metrics-schema migrations')
    .action(action(async () => (await import('./commands/admin.ts')).migrateCommand()));

  program
    .command('setup-temporal')
    .description('register the DataOps* search attributes on a Temporal namespace (real clusters; dev does it itself)')
    .action(action(async () => (await import('./commands/admin.ts')).setupTemporalCommand()));

  program
    .command('run')
    .description('validate a YAML job spec and start its workflow')
    .argument('<job.yaml>', 'job spec (see README: job-spec reference)')
    .option('--wait', 'follow progress until the run ends, then print a summary table')
    .option('--id <workflowId>', 'workflow id (default <kind>:<dataset>:<UTC timestamp>)')
    .option('--json', 'print the result as JSON (with --wait)')
    .action(
      action(async (path: string, options: { wait?: boolean; id?: string; json?: boolean }) => (await import('./commands/run.ts')).runCommand(path, options)),
    );

  program
    .command('validate')
    .description('check job specs without running them; errors name the path inside the spec')
    .argument('<job.yaml...>', 'one or more job specs')
    .action(action(async (paths: string[]) => (await import('./commands/admin.ts')).validateCommand(paths)));

  const runs = program.command('runs').description('run history from the metrics schema: list (default), show, reconcile');
  runs
    .command('list', { isDefault: true })
    .description('runs newest first, with counts, accuracy and duration; failed runs show their error')
    .option('--job <job>', "only runs of this job (the spec's job)")
    .option('--dataset <dataset>', 'only runs of this dataset')
    .option('--department <department>', 'only runs of this owner department, e.g. civil-affairs')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(runStatusSchema.options))
    .option('--limit <n>', 'rows to show', positiveInt, 20)
    .option('--steps', "also the runs that are a pipeline's steps (see them with: runs show <pipeline run>)")
    .option('--json', 'print JSON')
    .action(
      action(async (options: { job?: string; dataset?: string; department?: string; status?: string; limit: number; steps?: boolean; json?: boolean }) =>
        (await import('./commands/runs.ts')).runsCommand(options),
      ),
    );
  runs
    .command('show')
    .description('one run: status, each step with its metrics, what it published and quarantined, its error, the Web UI link')
    .argument('<run>', 'run id, or a dataset for its newest run')
    .option('--json', 'print JSON')
    .action(action(async (run: string, options: { json?: boolean }) => (await import('./commands/runs.ts')).runsShowCommand(run, options)));
  runs
    .command('reconcile')
    .description('close the records of runs whose workflows ended without them (terminated, timed out) and drop their staging; also runs on a schedule')
    .option('--json', 'print JSON')
    .action(action(async (options: { json?: boolean }) => (await import('./commands/runs.ts')).runsReconcileCommand(options)));

  program
    .command('status')
    .description("a run's live progress (step, rows of total, rate, ETA) until it ends; a finished run's outcome")
    .argument('<run>', 'run id, or a dataset for its newest run')
    .option('--once', 'print one progress line and return')
    .action(action(async (run: string, options: { once?: boolean }) => (await import('./commands/run-control.ts')).statusCommand(run, options)));

  program
    .command('cancel')
    .description('cancel a running run: it stops at its next heartbeat, drops its staging and is recorded as cancelled')
    .argument('<run>', 'run id, or a dataset for its newest run')
    .option('--wait', 'wait until the run has ended')
    .action(action(async (run: string, options: { wait?: boolean }) => (await import('./commands/run-control.ts')).cancelCommand(run, options)));

  const schedule = program
    .command('schedule')
    .description('nightly syncs on Temporal Schedules: schedules as code (apply), and their life (pause, trigger, backfill)');
  schedule
    .command('apply')
    .description('create, update (and with --prune delete) schedules to match the schedule files; prints the plan; idempotent')
    .argument('<files-or-folders...>', 'schedule YAML files, or folders of them (e.g. samples/schedules/)')
    .option('--prune', 'also delete dataops-managed schedules no file names')
    .option('--dry-run', 'print the plan only')
    .action(
      action(async (paths: string[], options: { prune?: boolean; dryRun?: boolean }) =>
        (await import('./commands/schedule.ts')).scheduleApplyCommand(paths, options),
      ),
    );
  schedule
    .command('create')
    .description('create (or update) one schedule from its file')
    .argument('<schedule.yaml>', 'a schedule file')
    .action(action(async (file: string) => (await import('./commands/schedule.ts')).scheduleCreateCommand(file)));
  schedule
    .command('list')
    .description('every schedule: when it runs, its state, next and last run')
    .option('--json', 'print JSON')
    .action(action(async (options: { json?: boolean }) => (await import('./commands/schedule.ts')).scheduleListCommand(options)));
  schedule
    .command('describe')
    .description('one schedule: spec and policies, the next five fire times, recent runs with their outcome')
    .argument('<schedule>', 'schedule id')
    .option('--json', 'print JSON')
    .action(action(async (id: string, options: { json?: boolean }) => (await import('./commands/schedule.ts')).scheduleDescribeCommand(id, options)));
  for (const [verb, pause] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    schedule
      .command(verb)
      .description(pause ? 'stop a schedule firing until unpaused, with a note saying why' : 'let a paused schedule fire again')
      .argument('<schedule>', 'schedule id')
      .option('--note <text>', 'why (shown in the Web UI and schedule list)')
      .action(action(async (id: string, options: { note?: string }) => (await import('./commands/schedule.ts')).schedulePauseCommand(id, options, pause)));
  }
  schedule
    .command('trigger')
    .description('start a run now, outside the schedule')
    .argument('<schedule>', 'schedule id')
    .action(action(async (id: string) => (await import('./commands/schedule.ts')).scheduleTriggerCommand(id)));
  schedule
    .command('backfill')
    .description('run the schedule for every time it would have fired in a past window; each run carries that time as its logical date')
    .argument('<schedule>', 'schedule id')
    .requiredOption('--from <time>', 'start of the window, e.g. 2026-11-24T00:00+08:00')
    .requiredOption('--to <time>', 'end of the window')
    .action(action(async (id: string, options: { from: string; to: string }) => (await import('./commands/schedule.ts')).scheduleBackfillCommand(id, options)));
  schedule
    .command('delete')
    .description('delete a schedule (the runs it started stay)')
    .argument('<schedule>', 'schedule id')
    .action(action(async (id: string) => (await import('./commands/schedule.ts')).scheduleDeleteCommand(id)));

  program
    .command('reconcile')
    .description(
      "compares a department's copy with the centre table it was distributed from (row counts and row hashes per key range, inside both databases), naming the keys that differ; exit 1 if any",
    )
    .argument('<dataset>', "the distributed dataset (the distribution job's dataset)")
    .argument('<connection>', 'the department connection it went to')
    .option('--json', 'print JSON')
    .action(
      action(async (dataset: string, connection: string, options: { json?: boolean }) =>
        (await import('./commands/reconcile.ts')).reconcileCommand(dataset, connection, options),
      ),
    );

  program
    .command('scan')
    .description(
      'samples every table on the database connections and the centre for unmasked personal data (valid citizen IDs, mobiles, credit codes, e-mails) where the connection or the catalogue does not allow it; prints the findings, exit 1 if any',
    )
    .option('--connection <name>', 'scan this connection only (repeatable; `centre` is the centre database)', (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .option('--sample-rows <n>', 'rows sampled per table, at most (default 1000)', positiveInt)
    .option('--min-share <share>', 'share of non-empty sampled values that must validate for a column to be reported (default 0.5)', Number)
    .option('--last', "print the newest scan's findings instead of scanning")
    .option('--json', 'print JSON')
    .action(
      action(async (options: { connection?: string[]; sampleRows?: number; minShare?: number; last?: boolean; json?: boolean }) =>
        (await import('./commands/scan.ts')).scanCommand(options),
      ),
    );

  program
    .command('freshness')
    .description('datasets whose last successful run is older than their updateFrequency allows, and schedules that missed or skipped runs; exit 1 if any')
    .option('--all', 'every dataset, fresh ones too')
    .option('--json', 'print JSON')
    .action(action(async (options: { all?: boolean; json?: boolean }) => (await import('./commands/freshness.ts')).freshnessCommand(options)));

  const streams = program.command('streams').description('streaming and IoT ingest: list (default), status, pause, resume, stop, forget');
  streams
    .command('list', { isDefault: true })
    .description('every stream: state, totals, lag and last commit, as its last committed batch left them')
    .option('--json', 'print JSON')
    .action(action(async (options: { json?: boolean }) => (await import('./commands/streams.ts')).streamsListCommand(options)));
  streams
    .command('status')
    .description("one stream: the running workflow's live state, totals, rate and lag, and its last minutes")
    .argument('<job>', "the stream-ingest job's name")
    .option('--json', 'print JSON')
    .action(action(async (job: string, options: { json?: boolean }) => (await import('./commands/streams.ts')).streamStatusCommand(job, options)));
  for (const [verb, what] of [
    ['pause', 'stop reading after the batch in hand (it commits and is acknowledged); the stream waits in the broker'],
    ['resume', 'read a paused stream again'],
    ['stop', 'end the run after the batch in hand; start it again with dataops run'],
  ] as const) {
    streams
      .command(verb)
      .description(what)
      .argument('<job>', "the stream-ingest job's name")
      .action(action(async (job: string) => (await import('./commands/streams.ts')).streamControlCommand(verb, job)));
  }
  streams
    .command('feed')
    .description("publish sample market permit events (a share defective) to a stream-ingest job's JetStream source, to try a stream out")
    .argument('<spec>', 'the stream-ingest job spec (e.g. samples/jobs/stream-permits.yaml)')
    .option('--count <n>', 'events to publish', (v) => Number.parseInt(v, 10), 10_000)
    .option('--invalid <share>', 'share of defective events (truncated JSON, wrong types, missing ids, bad mobiles and credit codes)', Number.parseFloat, 0.02)
    .option('--seed <n>', 'seed of the generator (default: from the clock, so permit ids differ per feed)', (v) => Number.parseInt(v, 10))
    .option('--create-stream', 'create the JetStream stream when it does not exist (for the sample)')
    .action(
      action(async (spec: string, options: { count: number; invalid: number; seed?: number; createStream?: boolean }) =>
        (await import('./commands/streams.ts')).streamFeedCommand(spec, options),
      ),
    );
  streams
    .command('forget')
    .description("forget a stream's registration after its broker stream was recreated on purpose (table and quarantine stay)")
    .argument('<job>', "the stream-ingest job's name")
    .action(action(async (job: string) => (await import('./commands/streams.ts')).streamForgetCommand(job)));

  program
    .command('devices')
    .description(
      "the IoT devices of the stream-ingest jobs' registries: department, when each was last heard from, its interval, and whether it is ok, silent or never seen",
    )
    .option('--job <job>', 'only the devices of this stream-ingest job')
    .option('--silent', 'only devices silent for longer than their interval (and a grace of a quarter of it), or never seen; exit 1 if any')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A device is silent when no accepted reading has arrived for longer than its declared interval plus a
grace (a quarter of the interval, at least 10 s); readings quarantined (out of range, bad time) do not
count as heard from. Devices a job's registry no longer lists are not shown.

Examples:
  dataops devices --job iot-air-quality
  dataops devices --silent            # for a monitor: exit 1 while any device is silent`,
    )
    .action(action(async (options: { job?: string; silent?: boolean; json?: boolean }) => (await import('./commands/devices.ts')).devicesCommand(options)));

  const review = program.command('review').description('the fusion review queue: list (default), accept, reject');
  review
    .command('list', { isDefault: true })
    .description('pending questions of fusion jobs: pairs that may be one entity (match), fields whose records disagree (conflict)')
    .option('--job <job>', 'only this fusion job')
    .option('--status <status>', 'pending (default), accepted, rejected, superseded, or all')
    .option('--kind <kind>', 'match or conflict')
    .option('--entity <id>', 'only questions about this entity')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--reveal', 'show personal values in clear (written to the audit log first)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A match question is two records scoring just below the match threshold (within match.reviewBand), or a
match refused because it would put two different IDs in one entity; its explanation lists each field's
agreement and weight. A conflict question is a golden field whose records disagree more than
conflicts.level allows. Decisions apply from the job's next run; a question a later run no longer
raises is marked superseded.

Examples:
  dataops review list --job fuse-residents
  dataops review accept 17                 # the two records are one person
  dataops review reject 18                 # they are different people
  dataops review accept 19 --value 1980-01-02   # the golden birth date is this`,
    )
    .action(action(async (options: import('./commands/review.ts').ReviewListOptions) => (await import('./commands/review.ts')).reviewListCommand(options)));
  review
    .command('accept')
    .description('a match: the records are one entity; a conflict: keep the picked value, or set --value')
    .argument('<id>', 'the review id (dataops review list)')
    .option('--value <value>', 'for a conflict: the value the golden field should hold')
    .option('--note <text>', 'why, kept with the decision')
    .action(
      action(async (id: string, options: { value?: string; note?: string }) =>
        (await import('./commands/review.ts')).reviewDecideCommand(id, 'accepted', options),
      ),
    );
  review
    .command('reject')
    .description('a match: the records stay different entities; a conflict: leave the golden field empty')
    .argument('<id>', 'the review id (dataops review list)')
    .option('--note <text>', 'why, kept with the decision')
    .action(action(async (id: string, options: { note?: string }) => (await import('./commands/review.ts')).reviewDecideCommand(id, 'rejected', options)));

  program
    .command('entity')
    .description('one golden entity of a fusion job: its fields and where each came from, its records and events')
    .argument('<id>', 'the entity id, e.g. P000000042')
    .option('--job <job>', 'the fusion job (needed only when two jobs use the same id)')
    .option('--history', 'every version, newest first, with its validity')
    .option('--reveal', 'show personal values in clear (written to the audit log first)')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, options: import('./commands/entity.ts').EntityOptions) => (await import('./commands/entity.ts')).entityCommand(id, options)),
    );
  program
    .command('tags')
    .description("an entity's tags with evidence and validity; without an entity, the per-tag counts of the newest tag runs")
    .argument('[entity-id]', "the entity's id as its tag job's entities.key holds it")
    .option('--job <job>', 'only tags of this tag job')
    .option('--tag <tag>', 'only this tag')
    .option('--all-history', 'also closed periods (tags that held before and no longer do)')
    .option('--limit <n>', 'without an entity: at most this many run counts', positiveInt, 50)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Each tag period shows when it started (the run that found it true), when it ended (the run that no
longer did; "(current)" while it holds), the rule or list and its version, and the evidence: the values
of the fields the rule read. Evidence values that validate as citizen IDs or mobiles are masked.

Examples:
  dataops tags R00042                     current tags of entity R00042
  dataops tags R00042 --all-history       also the periods that ended
  dataops tags --tag elderly --job tag-residents   counts per run for one tag`,
    )
    .action(
      action(async (entityId: string | undefined, options: { job?: string; tag?: string; allHistory?: boolean; limit: number; json?: boolean }) =>
        (await import('./commands/tags.ts')).tagsCommand(entityId, options),
      ),
    );

  const watermarks = program.command('watermarks').description('where each incremental sync stands: list (default), reset');
  watermarks
    .command('list', { isDefault: true })
    .description("the (cursor, key) of the last row each dataset's last published sync read")
    .option('--json', 'print JSON')
    .action(action(async (options: { json?: boolean }) => (await import('./commands/watermarks.ts')).watermarksListCommand(options)));
  watermarks
    .command('reset')
    .description("forget a dataset's watermark: its next sync reads and merges the whole source")
    .argument('<dataset>', 'the dataset whose sync starts over')
    .action(action(async (dataset: string) => (await import('./commands/watermarks.ts')).watermarksResetCommand(dataset)));

  const files = program.command('files').description('the files folder syncs took: list (default), forget');
  files
    .command('list', { isDefault: true })
    .description('the files runs of a dataset took, newest run first (name, size, rows, content hash, run)')
    .argument('<dataset>', 'the dataset')
    .option('--limit <n>', 'at most this many files', '100')
    .option('--json', 'print JSON')
    .action(
      action(async (dataset: string, options: { limit: string; json?: boolean }) => (await import('./commands/files.ts')).filesListCommand(dataset, options)),
    );
  files
    .command('forget')
    .description('forget that a dataset took these files: its next sync takes them again (append: their rows are added again)')
    .argument('<dataset>', 'the dataset')
    .argument('<names...>', 'file names as `files list` shows them')
    .action(action(async (dataset: string, names: string[]) => (await import('./commands/files.ts')).filesForgetCommand(dataset, names)));

  const catalog = program.command('catalog').description('the resource catalogue: datasets, versions, column profiles');
  catalog
    .command('list')
    .description('every catalogued dataset')
    .option('--department <department>', 'only datasets of this owner department, e.g. civil-affairs')
    .option('--json', 'print JSON')
    .action(action(async (options: { department?: string; json?: boolean }) => (await import('./commands/catalog.ts')).catalogListCommand(options)));
  catalog
    .command('show')
    .description('one dataset: metadata, sensitivity, column profiles, versions')
    .addHelpText(
      'after',
      '\nMin, max and top patterns of L3/L4 columns are shown masked (citizen ID 310112********1234, mobile 138****5678, else ****), also with --json.',
    )
    .argument('<dataset>', 'dataset name, as in: dataops catalog list')
    .option('--version <n>', 'a past version', positiveInt)
    .option('--json', 'print JSON')
    .action(
      action(async (dataset: string, options: { version?: number; json?: boolean }) =>
        (await import('./commands/catalog.ts')).catalogShowCommand(dataset, options),
      ),
    );

  const quarantine = program
    .command('quarantine')
    .description('records a cleanse run rejected, with rule and reason (run id, or a dataset for its newest run)');
  quarantine
    .command('list')
    .description('counts per rule and the first entries')
    .argument('<run>', 'run id or dataset')
    .option('--rule <rule>', 'only this rule')
    .option('--limit <n>', 'entries to show', positiveInt, 20)
    .option('--json', 'print JSON')
    .option('--reveal', 'show L3/L4 values in clear (recorded in the audit log first)')
    .addHelpText('after', REVEAL_HELP)
    .action(
      action(async (run: string, options: { rule?: string; limit: number; json?: boolean; reveal?: boolean }) =>
        (await import('./commands/quarantine.ts')).quarantineListCommand(run, options),
      ),
    );
  quarantine
    .command('show')
    .description('every rule one record failed, and the original record')
    .argument('<run>', 'run id or dataset')
    .argument('<source-ref>', "as listed, e.g. 'resident_id=42' or 'row 17'")
    .option('--reveal', 'show L3/L4 values in clear (recorded in the audit log first)')
    .addHelpText('after', REVEAL_HELP)
    .action(
      action(async (run: string, ref: string, options: { reveal?: boolean }) =>
        (await import('./commands/quarantine.ts')).quarantineShowCommand(run, ref, options),
      ),
    );
  quarantine
    .command('export')
    .description('all entries as CSV (with header) or NDJSON')
    .argument('<run>', 'run id or dataset')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--reveal', 'export L3/L4 values in clear (recorded in the audit log first)')
    .addHelpText('after', REVEAL_HELP)
    .action(
      action(async (run: string, options: { format: 'csv' | 'ndjson'; out?: string; reveal?: boolean }) =>
        (await import('./commands/quarantine.ts')).quarantineExportCommand(run, options),
      ),
    );

  program
    .command('quality')
    .description("a dataset's quality indicators (DB31/T 1523) for its newest run, and their trend")
    .argument('<dataset>', 'dataset name, as in: dataops catalog list')
    .option('--runs <n>', 'runs in the trend', positiveInt, 10)
    .option('--columns', 'also per-column indicators')
    .option('--json', 'print JSON')
    .action(
      action(async (dataset: string, options: { runs: number; columns?: boolean; json?: boolean }) =>
        (await import('./commands/quality.ts')).qualityCommand(dataset, options),
      ),
    );

  program
    .command('audit')
    .description('the audit log: who sent what to whom (distributions, shares) and who revealed personal data in the CLI, newest first')
    .option('--department <department>', "only entries of this department (the job's), e.g. civil-affairs")
    .option('--dataset <dataset>', 'only entries of this dataset')
    .option('--from <date>', "from this day (YYYY-MM-DD, the centre's time zone) or time (ISO 8601)")
    .option('--to <date>', 'up to and including this day, or before this time')
    .option('--limit <n>', 'entries to show', positiveInt, 50)
    .option('--json', 'print JSON')
    .action(
      action(async (options: { department?: string; dataset?: string; from?: string; to?: string; limit: number; json?: boolean }) =>
        (await import('./commands/audit.ts')).auditCommand(options),
      ),
    );

  program
    .command('schema')
    .description('write the JSON Schema of job specs (for editors) to schemas/job-spec.schema.json')
    .option('--stdout', 'print it instead')
    .action(action(async (options: { stdout?: boolean }) => (await import('./commands/admin.ts')).schemaCommand(options)));

  program
    .command('samples')
    .description('regenerate the seeded sample data')
    .option('--out <dir>', 'output folder', 'samples/data')
    .option('--residents <n>', 'resident rows', positiveInt, 2000)
    .option('--enterprises <n>', 'enterprise rows', positiveInt, 500)
    .option('--seed <n>', 'random seed', positiveInt, 20261126)
    .action(
      action(async (options: { out: string; residents: number; enterprises: number; seed: number }) =>
        (await import('./commands/samples.ts')).samplesCommand(options),
      ),
    );

  program
    .command('demo')
    .description('start a background dev server if needed, collect and catalogue the bundled samples, print the summary')
    .action(action(async () => (await import('./commands/demo.ts')).demoCommand()));

  for (const command of everyCommand(program)) {
    const hint = `see ${commandPath(command)} --help`;
    // One line and where to look, not the whole help: `error: unknown command 'foo'; see dataops --help`.
    command.configureOutput({
      outputError: (message, write) =>
        write(
          `${message
            .trim()
            .replace(/\s*\n\s*/g, ' ')
            .replace(/\.$/, '')}; ${hint}\n`,
        ),
    });
  }
  return program;
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
