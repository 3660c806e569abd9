import { WorkflowNotFoundError } from '@temporalio/client';
import { forgetStream, getStream, listStreams, streamWindows, type StreamRow } from '../../catalogue/streams.ts';
import { streamWorkflowId } from '../../client/start-job.ts';
import type { StreamStatus } from '../../schemas/stream-run.ts';
import { type StreamControl, streamControlUpdate, streamStatusQuery } from '../../workflows/definitions.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatCount, formatTable } from '../format-table.ts';
import { withTemporal } from '../temporal-client.ts';

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '-');

/** Every stream the centre reads: state, totals and lag as its last committed batch left them. */
export function streamsListCommand(options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const rows = await listStreams(db);
    if (options.json) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (!rows.length) {
      console.log('no streams yet (start one with: dataops run <stream-ingest spec>)');
      return 0;
    }
    console.log(
      formatTable(
        ['job', 'state', 'source', 'target', 'messages', 'written', 'quarantined', 'duplicates', 'lag', 'last commit'],
        rows.map((s) => [
          s.job,
          s.state,
          s.source,
          s.target_table,
          formatCount(s.messages),
          formatCount(s.written),
          formatCount(s.quarantined),
          formatCount(s.duplicates),
          s.lag ?? '-',
          when(s.last_commit_at),
        ]),
      ),
    );
    return 0;
  });
}

function statusLines(row: StreamRow | undefined, live: StreamStatus | undefined, windows: { messages: number; window_start: Date }[]): string[] {
  // Every committed batch updates the catalogue's totals; the workflow's are as of its last progress report.
  const t = row ? undefined : live?.totals;
  const lines = [
    `state       ${live?.state ?? row?.state ?? 'unknown'}${live ? ` (slice ${live.slice}, run ${live.runId})` : row ? ` (last run ${row.run_id})` : ''}`,
    `source      ${row?.source ?? '-'}`,
    `target      ${row?.target_table ?? '-'}`,
    `messages    ${formatCount(t?.messages ?? row?.messages ?? 0)}  written ${formatCount(t?.written ?? row?.written ?? 0)}  quarantined ${formatCount(t?.quarantined ?? row?.quarantined ?? 0)}  duplicates ${formatCount(t?.duplicates ?? row?.duplicates ?? 0)}  poison ${formatCount(t?.poison ?? row?.poison ?? 0)}`,
    `lag         ${t?.lag ?? row?.lag ?? '-'} message(s) waiting in the broker`,
    `last seq    ${t?.lastSequence ?? row?.last_sequence ?? '-'}  ·  last commit ${when(row?.last_commit_at ?? null)}`,
  ];
  if (live?.rate !== undefined) lines.push(`rate        ${formatCount(Math.round(live.rate))} messages/s (live)`);
  const recent = windows.slice(-5);
  if (recent.length) lines.push(`per minute  ${recent.map((w) => `${w.window_start.toISOString().slice(11, 16)} ${formatCount(w.messages)}`).join('  ')}`);
  return lines;
}

/** One stream's state: the running workflow's answer when it runs, the catalogue's otherwise. */
export function streamStatusCommand(job: string, options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const row = await getStream(db, job);
    const live = await withTemporal(async (client) =>
      client.workflow
        .getHandle(streamWorkflowId(job))
        .query(streamStatusQuery)
        .catch(() => undefined),
    );
    if (!row && !live) {
      console.error(`no stream "${job}" (see: dataops streams)`);
      return 1;
    }
    const windows = await streamWindows(db, job, new Date(Date.now() - 10 * 60_000));
    if (options.json) console.log(JSON.stringify({ catalogue: row ?? null, live: live ?? null, windows }, null, 2));
    else console.log(statusLines(row, live, windows).join('\n'));
    return 0;
  });
}

const DONE: Record<StreamControl, string> = {
  pause: 'paused: the running slice finished its batch and nothing reads the stream until resume',
  resume: 'resumed',
  stop: 'stopping: the batch in hand committed and was acknowledged; the run ends now (start it again with dataops run)',
};

/** Pauses, resumes or stops a running stream by update: answers once the workflow took it. */
export function streamControlCommand(action: StreamControl, job: string): Promise<number> {
  return withTemporal(async (client) => {
    try {
      const state = await client.workflow.getHandle(streamWorkflowId(job)).executeUpdate(streamControlUpdate, { args: [action] });
      console.log(`${job}: ${state === 'paused' && action === 'pause' ? DONE.pause : state === 'stopping' ? DONE.stop : state}`);
      return 0;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || /not found|already completed/i.test((error as Error).message)) {
        console.error(`stream "${job}" is not running (see: dataops streams)`);
        return 1;
      }
      throw error;
    }
  });
}

/** Forgets a stream's registration and windows (after its broker stream was recreated on purpose). */
export function streamForgetCommand(job: string): Promise<number> {
  return withCentreDb(async (db) => {
    if (!(await forgetStream(db, job))) {
      console.error(`no stream "${job}" (see: dataops streams)`);
      return 1;
    }
    console.log(`forgot stream ${job}: its next start registers it again (its table and quarantine stay)`);
    return 0;
  });
}

export interface FeedOptions {
  count: number;
  invalid: number;
  seed?: number;
  createStream?: boolean;
}

/**
 * Publishes sample market permit events (the sample generator's, a share of them defective) to where a
 * stream-ingest spec reads: its JetStream subject. For trying a stream out; departments publish their own.
 */
export async function streamFeedCommand(specPath: string, options: FeedOptions): Promise<number> {
  const { loadJobSpec } = await import('../load-spec.ts');
  const { loadConfig } = await import('../../config/load-config.ts');
  const { resolveBrokerUrl } = await import('../../config/connections.ts');
  const { permitEvents } = await import('../../samples/generator/permit-events.ts');
  const spec = loadJobSpec(specPath);
  if (spec.kind !== 'stream-ingest') {
    console.error(`${specPath} is a ${spec.kind} job: feed publishes to a stream-ingest job's source`);
    return 2;
  }
  const missing = ['permit_id', 'enterprise', 'issued_at'].filter((f) => !(f in spec.fields));
  if (missing.length) {
    console.error(`feed publishes market permit events; ${specPath} does not declare ${missing.join(', ')}`);
    return 2;
  }
  const source = spec.source;
  if (source.type !== 'jetstream') {
    console.error('feed publishes to JetStream sources');
    return 2;
  }
  const url = resolveBrokerUrl(loadConfig(), source.connection, 'nats');
  const { connectNats } = await import('../../connectors/nats/connect.ts');
  const { jetStreamSink } = await import('../../connectors/nats/jetstream-sink.ts');
  const label = `nats connection "${source.connection}"`;
  const nc = await connectNats(url, { name: 'dataops feed', label });
  const subject = (source.subject ?? `${source.stream.toLowerCase()}.sample`).replace(/\.>$/, '.sample').replace(/\*/g, 'sample');
  try {
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(nc);
    const exists = await jsm.streams.info(source.stream).then(
      () => true,
      () => false,
    );
    if (!exists) {
      if (!options.createStream) {
        console.error(`stream ${source.stream} does not exist on ${label}: give --create-stream to create it for the sample`);
        return 1;
      }
      await jsm.streams.add({ name: source.stream, subjects: [source.subject ?? `${source.stream.toLowerCase()}.>`] });
      console.log(`created stream ${source.stream} (${source.subject ?? `${source.stream.toLowerCase()}.>`})`);
    }
    const sink = jetStreamSink(nc, { stream: source.stream, label });
    const seed = options.seed ?? Date.now() % 1_000_000_000;
    const encoder = new TextEncoder();
    let sent = 0;
    let defective = 0;
    let batch: { subject: string; id: string; data: Uint8Array }[] = [];
    for (const event of permitEvents(options.count, { invalid: options.invalid, seed })) {
      if (event.defect) defective++;
      batch.push({ subject, id: `feed-${seed}-${sent + batch.length}`, data: encoder.encode(event.payload) });
      if (batch.length === 5_000) {
        await sink.publish(batch);
        sent += batch.length;
        batch = [];
        process.stderr.write(`\rpublished ${formatCount(sent)} of ${formatCount(options.count)}`);
      }
    }
    if (batch.length) await sink.publish(batch);
    sent += batch.length;
    process.stderr.write('\r');
    console.log(`published ${formatCount(sent)} permit events to ${subject} (${formatCount(defective)} defective, seed ${seed})`);
    return 0;
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}
