import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob, streamWorkflowId } from '../../client/start-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema, type StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { StreamStatus } from '../../schemas/stream-run.ts';
import { streamControlUpdate, streamStatusQuery } from '../../workflows/definitions.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { createTestStream, deleteTestStream, publishAll, SHARED_NATS_URL } from '../support/jetstream.ts';

// Stream ingest from the real JetStream: valid messages land in PostgreSQL exactly once, invalid ones in
// quarantine with their reason, and the stream's totals agree with both.
process.env.DATAOPS_CONNECTION_TEST_NATS = SHARED_NATS_URL;
let env: TestEnv;
const streams: string[] = [];
let counter = 0;

beforeAll(async () => {
  env = await startTestEnv('test-stream-ingest');
});
afterAll(async () => {
  for (const name of streams) await deleteTestStream(name);
  await env.stop();
  await closeAllDbs();
});

function names() {
  counter += 1;
  const tag = `${process.pid}_${counter}`;
  const stream = `DATAOPS_TEST_${tag}`;
  streams.push(stream);
  return { stream, subject: `test.${tag}.permits`, job: `permits-${tag.replace('_', '-')}`, table: `stream.permits_${tag}` };
}

function ingestSpec(n: ReturnType<typeof names>, extra: object = {}): StreamIngestJobSpec {
  return jobSpecSchema.parse({
    kind: 'stream-ingest',
    job: n.job,
    dataset: n.job,
    department: 'market-supervision',
    source: { type: 'jetstream', connection: 'test_nats', stream: n.stream, ackWait: '30s' },
    fields: {
      permit_id: { type: 'string', required: true },
      holder: { type: 'string' },
      mobile: { type: 'string' },
      amount: { type: 'number' },
      pieces: { type: 'integer' },
      issued_at: { type: 'timestamp', required: true },
    },
    rules: { columns: { mobile: { validate: ['mobile.valid'] } } },
    target: { table: n.table },
    maxMessageBytes: 2048,
    options: { heartbeatSeconds: 10, sliceSeconds: 20 },
    ...extra,
  }) as StreamIngestJobSpec;
}

/** 100,000 messages, 5% of them invalid in five ways; returns the payloads and which are valid. */
function messages(total: number) {
  const payloads: string[] = [];
  const valid = new Map<string, string>();
  const invalid = { json: 0, type: 0, required: 0, size: 0, rule: 0 };
  for (let i = 0; i < total; i++) {
    const id = `P${String(i).padStart(7, '0')}`;
    const good = {
      permit_id: id,
      holder: `商户${i}`,
      mobile: `13${String(800000000 + i).slice(0, 9)}`,
      amount: i / 100,
      pieces: i % 50,
      issued_at: `2026-11-30T08:00:00.${String(i % 1000).padStart(3, '0')}+08:00`,
    };
    const kind = i % 20 === 7 ? ['json', 'type', 'required', 'size', 'rule'][Math.floor(i / 20) % 5]! : 'ok';
    let payload: string;
    if (kind === 'json') payload = `{"permit_id": "${id}", broken`;
    else if (kind === 'type') payload = JSON.stringify({ ...good, amount: 'twelve' });
    else if (kind === 'required') payload = JSON.stringify({ ...good, permit_id: undefined });
    else if (kind === 'size') payload = JSON.stringify({ ...good, holder: 'x'.repeat(3000) });
    else if (kind === 'rule') payload = JSON.stringify({ ...good, mobile: '12345' });
    else payload = JSON.stringify(good);
    if (kind === 'ok') valid.set(id, createHash('md5').update(`${good.holder}|${good.mobile}|${good.amount}|${good.pieces}`).digest('hex'));
    else invalid[kind as keyof typeof invalid]++;
    payloads.push(payload);
  }
  return { payloads, valid, invalid };
}

async function waitForMessages(job: string, count: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const handle = env.client.workflow.getHandle(streamWorkflowId(job));
  for (;;) {
    const row = await env.db('dataops.streams').where({ job }).first();
    if (row && Number(row.messages) >= count) return;
    const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
    if (status.name !== 'RUNNING' && status.name !== 'UNKNOWN')
      throw new Error(`stream ${job} ended ${status.name}: ${await handle.result().catch((e: Error) => (e.cause as Error | undefined)?.message ?? e.message)}`);
    if (Date.now() > deadline) throw new Error(`stream ${job} reached ${row?.messages ?? 0} of ${count} messages`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('stream ingest from JetStream', () => {
  it('writes exactly the valid messages of 100,000 and quarantines the 5% invalid ones with their reasons', async () => {
    const n = names();
    await createTestStream(n.stream, n.subject);
    const { payloads, valid, invalid } = messages(100_000);
    await publishAll(n.subject, payloads.slice(0, 60_000));
    const spec = ingestSpec(n);
    const { handle } = await startJob(env.client, env.config, spec);
    // Paused: what arrives meanwhile waits in the broker until resumed.
    await waitForMessages(spec.job, 60_000);
    expect(await handle.executeUpdate(streamControlUpdate, { args: ['pause'] })).toBe('paused');
    await expect.poll(async () => (await env.db('dataops.streams').where({ job: spec.job }).first()).state, { timeout: 10_000 }).toBe('paused');
    await publishAll(n.subject, payloads.slice(60_000));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(Number((await env.db('dataops.streams').where({ job: spec.job }).first()).messages)).toBe(60_000);
    expect(await handle.executeUpdate(streamControlUpdate, { args: ['resume'] })).toBe('running');
    await waitForMessages(spec.job, payloads.length);

    const status = await handle.query(streamStatusQuery);
    expect(status.state).toBe('running');
    expect(await handle.executeUpdate(streamControlUpdate, { args: ['stop'] })).toBe('stopping');
    const ended = (await handle.result()) as StreamStatus;
    expect(ended.state).toBe('stopped');
    expect(ended.totals).toMatchObject({ messages: 100_000, written: valid.size, quarantined: 5_000, duplicates: 0 });

    const rows = await env.db.raw(
      `SELECT permit_id, md5(holder || '|' || mobile || '|' || amount::text || '|' || pieces::text) AS digest, dataops_seq FROM ${n.table}`,
    );
    expect(rows.rows).toHaveLength(valid.size);
    const stored = new Map<string, string>(rows.rows.map((r: { permit_id: string; digest: string }) => [r.permit_id, r.digest]));
    const mismatched = [...valid].filter(([id, digest]) => stored.get(id) !== digest);
    expect(mismatched).toEqual([]);

    const reasons = await env
      .db('dataops.quarantine as q')
      .join('dataops.runs as r', 'r.run_id', 'q.run_id')
      .where('r.job', spec.job)
      .groupBy('q.rule_id')
      .select('q.rule_id')
      .countDistinct('q.source_ref as records');
    const byRule = Object.fromEntries(reasons.map((r) => [String(r.rule_id), Number(r.records)]));
    expect(byRule).toEqual({
      'stream.json': invalid.json,
      'stream.type': invalid.type,
      'stream.required': invalid.required,
      'stream.size': invalid.size,
      'mobile.valid': invalid.rule,
    });
    const sample = await env
      .db('dataops.quarantine as q')
      .join('dataops.runs as r', 'r.run_id', 'q.run_id')
      .where({ 'r.job': spec.job, 'q.rule_id': 'stream.type' })
      .first('q.reason', 'q.record', 'q.source_ref');
    expect(sample.reason).toContain('field "amount" should be a number');
    expect(sample.source_ref).toMatch(new RegExp(`^${n.stream}:\\d+$`));

    const stream = await env.db('dataops.streams').where({ job: spec.job }).first();
    expect(stream).toMatchObject({ state: 'stopped', target_table: n.table });
    const windows = await env.db('dataops.stream_windows').where({ job: spec.job }).sum({ messages: 'messages', written: 'written' }).first();
    expect(Number(windows?.messages)).toBe(100_000);
    expect(Number(windows?.written)).toBe(valid.size);
    expect(streamWorkflowId(spec.job)).toBe(handle.workflowId);

    // The stream deleted and created again restarts its sequences: refused, not read as duplicates.
    await createTestStream(n.stream, n.subject);
    const again = await startJob(env.client, env.config, spec);
    const error = await again.handle.result().catch((e: Error) => e);
    expect(String((error as Error & { cause?: { cause?: Error } }).cause?.cause?.message ?? (error as Error).cause)).toContain('was created again');
  }, 300_000);
});
