import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mqtt from 'mqtt';
import { useTestConfig } from '../support/department-dbs.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { testStreams, type StoredMessage } from '../support/jetstream-streams.ts';
import { TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type StreamPublishJobSpec } from '../../schemas/job-spec.ts';
import type { StreamPublishResult } from '../../schemas/stream-publish-run.ts';
import { changeMessageId, type ChangeMessage } from '../../activities/stream/publish-messages.ts';
import { reconcileRunRecords } from '../../activities/runs/reconcile-runs.ts';
import { logger } from '../../config/logger.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { loadJobSpec } from '../../cli/load-spec.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { join } from 'node:path';

// Stream output: the changed rows of a governed centre table published to JetStream (the shared NATS
// on 4222, a stream of each test's own), each change exactly once, masked as a distribution masks,
// the watermark moved only after the broker confirmed; across a worker SIGKILL too.
useTestConfig(
  'stream-publish',
  `connections:
  pub_nats: { type: nats, url: 'nats://127.0.0.1:4222', maxUnmaskedLevel: L4 }
  pub_nats_public: { type: nats, url: 'nats://127.0.0.1:4222' }
  pub_mqtt: { type: mqtt, url: 'mqtt://127.0.0.1:1883', maxUnmaskedLevel: L4 }
  pub_pg: { type: postgres, urlEnv: TEST_PUB_PG_URL, maxUnmaskedLevel: L4 }
`,
  { TEST_PUB_PG_URL: TEST_SOURCE_DATABASE_URL },
);
let env: TestEnv;
let streams: Awaited<ReturnType<typeof testStreams>>;
let counter = 0;

beforeAll(async () => {
  env = await startTestEnv('test-stream-publish');
  streams = await testStreams();
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS clean');
});
afterAll(async () => {
  await streams.close();
  await env.stop();
  await closeAllDbs();
});

const PEOPLE = ['id', 'name', 'street', 'amount', 'active', 'extra', 'removed', 'updated_at'];
/** Every column sent as it is: the test tables are not catalogued, so each needs an explicit mask. */
const unmasked = (columns: string[]) => Object.fromEntries(columns.map((c) => [c, { mask: 'none' }]));

/** A centre table whose rows changed a day ago, seven at a time sharing one cursor value (batches end inside such groups). */
async function peopleTable(table: string, rows: number): Promise<void> {
  await env.db.raw(`DROP TABLE IF EXISTS clean.${table}`);
  await env.db.raw(`CREATE TABLE clean.${table} (id bigint PRIMARY KEY, name text, street text, amount numeric(12,2), active boolean,
    extra jsonb, removed boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)`);
  await env.db.raw(`INSERT INTO clean.${table} SELECT g, '居民' || g, (ARRAY['莘庄镇','七宝镇'])[1 + g % 2], g / 100.0, g % 3 = 0,
    jsonb_build_object('n', g, 'tags', jsonb_build_array('a')), false,
    TIMESTAMPTZ '2026-11-30 10:00:00.123456+08' + (g / 7) * INTERVAL '1 millisecond' FROM generate_series(1, ${rows}) g`);
}

function publishSpec(job: string, source: object, target: object, extra: object = {}): StreamPublishJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'stream-publish',
    job,
    dataset: job,
    department: 'civil-affairs',
    source: { incremental: { cursor: 'updated_at', lag: '0s' }, ...source },
    target: { type: 'jetstream', ...target },
    masks: unmasked(PEOPLE),
    options: { batchRows: 500 },
    ...extra,
  }) as StreamPublishJobSpec;
}

async function start(spec: StreamPublishJobSpec, taskQueue?: string) {
  const config = taskQueue ? { ...env.config, temporal: { ...env.config.temporal, taskQueue } } : env.config;
  return startJob(env.client, config, spec, `stream-publish:${spec.dataset}:${Date.now()}-${counter}`);
}

async function run(spec: StreamPublishJobSpec): Promise<StreamPublishResult & { workflowId: string }> {
  const { handle, workflowId } = await start(spec);
  return { ...((await handle.result()) as StreamPublishResult), workflowId };
}

/** `key|cursor` of every row as the centre prints them (its time zone, ISO dates, microseconds): what a change message carries. */
async function changesOf(table: string, key = 'id'): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: env.config.databaseUrl });
  await client.connect();
  try {
    await client.query(`SET TimeZone = '${env.config.timeZone}'; SET DateStyle = 'ISO, YMD'`);
    const { rows } = await client.query(`SELECT ${key}::text AS key, updated_at::text AS cursor FROM clean.${table}`);
    return new Set(rows.map((r) => `${r.key}|${r.cursor}`));
  } finally {
    await client.end();
  }
}

const parsed = (messages: StoredMessage[]) => messages.map((m) => JSON.parse(m.data) as ChangeMessage);

/** Each stored message once: unique ids, the header id the payload's, and the id derived from its job, key and cursor. */
function expectEachOnce(messages: StoredMessage[], job: string): void {
  const bodies = parsed(messages);
  expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
  expect(new Set(messages.map((m) => m.checksum)).size).toBe(messages.length);
  for (const [i, body] of bodies.entries()) {
    expect(messages[i]!.id).toBe(body.id);
    expect(body.id).toBe(changeMessageId(job, body.key, body.cursor));
  }
}

describe('publishing the changes of a centre table to JetStream', () => {
  it('sends every row once, then only what changed (deletes flagged), moving the watermark only past what the broker confirmed', async () => {
    await peopleTable('pub_people', 3000);
    const stream = await streams.create('dopub');
    const spec = publishSpec(
      'pub-people',
      { table: 'clean.pub_people' },
      { connection: 'pub_nats', subject: `${stream.subjects}.people` },
      { deletes: { column: 'removed' } },
    );
    const first = await run(spec);
    const target = `jetstream ${stream.name} on nats connection "pub_nats"`;
    expect(first.pass).toMatchObject({
      step: 'stream-publish',
      rows: 3000,
      duplicates: 0,
      attempt: 1,
      resumedFromRow: 0,
      target,
      duplicateWindowMs: 120_000,
      masked: {},
    });
    expect(first.pass.batches).toBeGreaterThan(1);
    expect(first.pass.watermark).toEqual({ cursor: '2026-11-30 10:00:00.551456+08', key: '3000' });
    expect(first.totals).toEqual({ passes: 1, rows: 3000, duplicates: 0 });

    let messages = await streams.read(stream.name);
    expect(messages).toHaveLength(3000);
    expectEachOnce(messages, 'pub-people');
    const firstChanges = await changesOf('pub_people');
    expect(new Set(parsed(messages).map((b) => `${b.key}|${b.cursor}`))).toEqual(firstChanges);
    expect(new Set(messages.map((m) => m.subject))).toEqual(new Set([`${stream.subjects}.people`]));
    // In (cursor, key) order, and the envelope as documented: values typed where JSON can hold them exactly.
    expect(parsed(messages).map((b) => Number(b.key))).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(parsed(messages)[6]).toEqual({
      job: 'pub-people',
      id: changeMessageId('pub-people', '7', '2026-11-30 10:00:00.124456+08'),
      op: 'upsert',
      key: '7',
      cursor: '2026-11-30 10:00:00.124456+08',
      row: {
        id: '7',
        name: '居民7',
        street: '七宝镇',
        amount: '0.07',
        active: false,
        extra: { n: 7, tags: ['a'] },
        removed: false,
        updated_at: '2026-11-30 10:00:00.124456+08',
      },
    });
    const mark = await env.db('dataops.watermarks').where({ dataset: 'stream-publish:pub-people' }).first();
    expect(mark).toMatchObject({ cursor_column: 'updated_at', key_column: 'id', last_key: '3000', run_id: first.runId });

    const metrics = await env.db('dataops.step_metrics').where({ run_id: first.runId });
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ step: 'stream-publish', records_in: '3000', records_out: '3000', records_rejected: '0', records_duplicate: '0' });
    expect(await env.db('dataops.runs').where({ run_id: first.runId }).first()).toMatchObject({ status: 'succeeded', records_in: '3000', records_out: '3000' });
    const audit = await env.db('dataops.audit_log').where({ run_id: first.runId });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'stream-publish', recipient: 'pub_nats', rows: '3000', columns: PEOPLE });
    expect(audit[0].details).toMatchObject({ target, subject: `${stream.subjects}.people`, sourceTable: 'clean.pub_people' });

    // Three rows change, two arrive, one is deleted (soft): the next run sends those six, the delete as such.
    await env.db.raw(`UPDATE clean.pub_people SET street = '颛桥镇', updated_at = now() - INTERVAL '1 minute' WHERE id IN (5, 6, 7);
      UPDATE clean.pub_people SET removed = true, updated_at = now() - INTERVAL '1 minute' WHERE id = 100;
      INSERT INTO clean.pub_people VALUES (3001, '新居民', '梅陇镇', 1.5, true, NULL, false, now() - INTERVAL '1 minute'),
        (3002, '新居民二', NULL, NULL, NULL, '[1, 2]', false, now() - INTERVAL '1 minute')`);
    const second = await run(spec);
    expect(second.pass).toMatchObject({ rows: 6, duplicates: 0, watermark: { key: '3002' } });
    messages = await streams.read(stream.name);
    expect(messages).toHaveLength(3006);
    expectEachOnce(messages, 'pub-people');
    const latest = parsed(messages.slice(3000));
    expect(latest.map((b) => b.key).sort()).toEqual(['100', '3001', '3002', '5', '6', '7']);
    expect(latest.filter((b) => b.op === 'delete').map((b) => b.key)).toEqual(['100']);
    expect(latest.find((b) => b.key === '3002')!.row).toMatchObject({ street: null, amount: null, active: null, extra: [1, 2] });
    const secondChanges = await changesOf('pub_people');
    expect(new Set(parsed(messages).map((b) => `${b.key}|${b.cursor}`))).toEqual(new Set([...firstChanges, ...secondChanges]));

    // Nothing changed: nothing is sent again, and the run still says so in its metrics.
    const third = await run(spec);
    expect(third.pass).toMatchObject({ rows: 0, duplicates: 0, watermark: second.pass.watermark });
    expect(await streams.count(stream.name)).toBe(3006);
    expect((await env.db('dataops.watermarks').where({ dataset: 'stream-publish:pub-people' }).first()).run_id).toBe(second.runId);
    expect((await env.db('dataops.step_metrics').where({ run_id: third.runId }).first()).records_out).toBe('0');
  });

  it('publishes to an MQTT topic with QoS 1: every row once, each message with its change id', async () => {
    await peopleTable('pub_mqtt_people', 1200);
    const topic = `dataops/test/${process.pid}/people`;
    const subscriber = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `dataops-test-sub-${process.pid}`, protocolVersion: 5 });
    const received: ChangeMessage[] = [];
    subscriber.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString('utf8')) as ChangeMessage));
    await subscriber.subscribeAsync(topic, { qos: 1 });
    try {
      const spec = publishSpec('pub-mqtt-people', { table: 'clean.pub_mqtt_people' }, { type: 'mqtt', connection: 'pub_mqtt', topic });
      const result = await run(spec);
      expect(result.pass).toMatchObject({ rows: 1200, duplicates: 0 });
      await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1200);
      expect(new Set(received.map((m) => m.id)).size).toBe(1200);
      expect(new Set(received.map((m) => `${m.key}|${m.cursor}`))).toEqual(await changesOf('pub_mqtt_people'));
      for (const m of received) expect(m.id).toBe(changeMessageId(spec.job, m.key, m.cursor));
    } finally {
      await subscriber.endAsync();
    }
  });

  it('puts each row on a subject of its own key, encoded so that no key can add a level or a wildcard', async () => {
    await env.db.raw('DROP TABLE IF EXISTS clean.pub_codes');
    await env.db.raw('CREATE TABLE clean.pub_codes (code text PRIMARY KEY, label text, updated_at timestamptz NOT NULL)');
    await env.db.raw(`INSERT INTO clean.pub_codes VALUES ('a.b', 'dot', now() - INTERVAL '1 hour'), ('c d', 'space', now() - INTERVAL '1 hour'),
      ('住户', 'cjk', now() - INTERVAL '1 hour'), ('x~y', 'tilde', now() - INTERVAL '1 hour'), ('*', 'star', now() - INTERVAL '1 hour'), ('ok-1_A', 'plain', now() - INTERVAL '1 hour')`);
    const stream = await streams.create('dokey');
    const spec = publishSpec(
      'pub-codes',
      { table: 'clean.pub_codes' },
      { connection: 'pub_nats', subject: `${stream.subjects}.codes.{key}` },
      { masks: unmasked(['code', 'label', 'updated_at']) },
    );
    const result = await run(spec);
    expect(result.pass.rows).toBe(6);
    const messages = await streams.read(stream.name);
    expectEachOnce(messages, 'pub-codes');
    const subjects = Object.fromEntries(parsed(messages).map((b, i) => [b.key, messages[i]!.subject.slice(`${stream.subjects}.codes.`.length)]));
    expect(subjects).toEqual({ 'a.b': 'a~2Eb', 'c d': 'c~20d', 住户: '~E4~BD~8F~E6~88~B7', 'x~y': 'x~7Ey', '*': '~2A', 'ok-1_A': 'ok-1_A' });
  });
});

/** A catalogued resident table: the catalogue says which columns are personal and how sensitive. */
async function cataloguedResidents(table: string, dataset: string): Promise<void> {
  await env.db.raw(`DROP TABLE IF EXISTS clean.${table}`);
  await env.db.raw(
    `CREATE TABLE clean.${table} (resident_id integer PRIMARY KEY, name text, citizen_id text, mobile text, street text, updated_at timestamptz NOT NULL)`,
  );
  await env.db.raw(`INSERT INTO clean.${table} SELECT g, '张' || chr(19968 + g) || '明', '31011219900307' || lpad(g::text, 4, '0'), '1391234' || lpad(g::text, 4, '0'),
    '莘庄镇', now() - INTERVAL '1 hour' + g * INTERVAL '1 second' FROM generate_series(1, 200) g`);
  const columns: [string, string, string | null, string][] = [
    ['resident_id', 'integer', null, 'L1'],
    ['name', 'text', 'chinese_name', 'L3'],
    ['citizen_id', 'text', 'citizen_id', 'L4'],
    ['mobile', 'text', 'mobile', 'L3'],
    ['street', 'text', null, 'L1'],
    ['updated_at', 'timestamptz', null, 'L1'],
  ];
  await env.db('dataops.catalogue_resources').where({ dataset }).delete();
  const [{ id }] = await env
    .db('dataops.catalogue_resources')
    .insert({
      dataset,
      table_ref: `clean.${table}`,
      department: 'civil-affairs',
      update_frequency: 'daily',
      sensitivity: 'L4',
      current_version: 1,
      row_count: 200,
    })
    .returning('id');
  await env
    .db('dataops.catalogue_versions')
    .insert({ resource_id: id, version: 1, run_id: `catalogued-${dataset}`, table_ref: `clean.${table}`, mode: 'replace', row_count: 200, schema_hash: 'h' });
  await env.db('dataops.catalogue_columns').insert(
    columns.map(([name, type, semantic, level], i) => ({
      resource_id: id,
      version: 1,
      ordinal: i + 1,
      name,
      data_type: type,
      semantic_type: semantic,
      sensitivity: level,
      rows: 200,
      nulls: 0,
      null_rate: 0,
      distinct_estimate: 200,
    })),
  );
}

describe('masking on the way out', () => {
  it('masks personal columns by their catalogued type for a connection that may see L1 only, and refuses to send a citizen ID in clear to it', async () => {
    await cataloguedResidents('pub_residents', 'pub-residents');
    const stream = await streams.create('domask');
    const base = { connection: 'pub_nats_public', subject: `${stream.subjects}.residents` };
    const spec = publishSpec('pub-residents', { dataset: 'pub-residents' }, base, { masks: {} });
    const result = await run(spec);
    expect(result.pass).toMatchObject({ rows: 200, masked: { name: 'name', citizen_id: 'citizen_id', mobile: 'mobile' } });
    const messages = await streams.read(stream.name);
    expect(messages).toHaveLength(200);
    const first = parsed(messages)[0]!;
    expect(first.row).toEqual({
      resident_id: 1,
      name: '张**',
      citizen_id: '310112********0001',
      mobile: '139****0001',
      street: '莘庄镇',
      updated_at: first.cursor,
    });
    // (The rows only: a message id's hex digest may hold any run of digits.)
    expect(parsed(messages).filter((b) => /\d{17}[\dX]|1[3-9]\d{9}/.test(JSON.stringify(b.row)))).toEqual([]);
    const audit = await env.db('dataops.audit_log').where({ run_id: result.runId }).first();
    expect(audit.masking.masks).toMatchObject({ citizen_id: 'citizen_id', name: 'name', mobile: 'mobile', street: 'none' });

    const leaking = await start(publishSpec('pub-residents-leak', { dataset: 'pub-residents' }, base, { masks: { citizen_id: { mask: 'none' } } }));
    await expectWorkflowFailure(leaking.handle, /may receive data up to L1 unmasked; this distribution would send citizen_id \(L4\) unmasked/);
    expect(await streams.count(stream.name)).toBe(200);
  });
});

describe('the bundled sample', () => {
  it('publishes the cleansed resident register once, personal columns masked for the L1 connection it names', async () => {
    const sample = (file: string) => loadJobSpec(join(PROJECT_ROOT, 'samples', 'jobs', file));
    for (const file of ['collect-residents.yaml', 'cleanse-residents.yaml']) {
      const spec = sample(file);
      await (await startJob(env.client, env.config, spec, `${spec.kind}:${spec.dataset}:${Date.now()}`)).handle.result();
    }
    const stream = await streams.create('dosample');
    const published = sample('publish-residents-changes.yaml') as StreamPublishJobSpec;
    expect(published.follow).toEqual({ every: '10s' });
    // One pass, to a stream of the test's own (the sample's stream name is the operator's).
    const { follow: _, ...once } = {
      ...published,
      job: 'publish-residents-changes-test',
      target: { ...published.target, subject: `${stream.subjects}.changes` },
    };
    const result = await run(once as StreamPublishJobSpec);
    const { rows } = await env.db.raw('SELECT count(*)::int AS n FROM clean.residents');
    expect(result.pass).toMatchObject({
      rows: rows[0].n,
      duplicates: 0,
      masked: { name: 'name', citizen_id: 'citizen_id', mobile: 'mobile', address: 'address' },
    });
    const messages = await streams.read(stream.name);
    expect(messages).toHaveLength(rows[0].n);
    expectEachOnce(messages, 'publish-residents-changes-test');
    const bodies = parsed(messages);
    expect(Object.keys(bodies[0]!.row)).toEqual([
      'resident_id',
      'name',
      'citizen_id',
      'gender',
      'birth_date',
      'mobile',
      'street',
      'address',
      'registered_at',
      'updated_at',
    ]);
    expect(bodies.filter((b) => /\d{17}[\dX]|1[3-9]\d{9}/.test(JSON.stringify(b.row)))).toEqual([]);
    expect(bodies.every((b) => /^\d{6}\*+[\dX]{4}$/.test(String(b.row.citizen_id)))).toBe(true);
  });
});

describe('bad input', () => {
  it('is refused before anything is published, each with a message that says what to fix', async () => {
    await peopleTable('pub_bad', 10);
    const stream = await streams.create('dobad');
    const short = await streams.create('doshort', { duplicateWindowMs: 10_000 });
    const table = { table: 'clean.pub_bad' };
    const subject = `${stream.subjects}.bad`;
    const cases: [string, StreamPublishJobSpec, RegExp][] = [
      ['unknown connection', publishSpec('pub-bad-1', table, { connection: 'nope', subject }), /unknown connection "nope" \(known: .*pub_nats/],
      ['a database connection', publishSpec('pub-bad-2', table, { connection: 'pub_pg', subject }), /connection "pub_pg" is a postgres connection, not nats/],
      [
        'no stream',
        publishSpec('pub-bad-3', table, { connection: 'pub_nats', subject: `nostream${process.pid}.x` }),
        /no JetStream stream on nats connection "pub_nats" stores nostream/,
      ],
      [
        'a stream that stores other subjects',
        publishSpec('pub-bad-4', table, { connection: 'pub_nats', subject, stream: short.name }),
        new RegExp(
          `JetStream stream ${short.name} on nats connection "pub_nats" stores ${short.subjects}\\.>, which do not cover ${subject.replace(/\./g, '\\.')}`,
        ),
      ],
      [
        'a duplicate window too short for a retry',
        publishSpec('pub-bad-5', table, { connection: 'pub_nats', subject: `${short.subjects}.bad` }),
        /drops re-sent messages for 10s \(its duplicate window\); a retry after a crash re-sends up to 90s later .* raise the window \(nats stream edit DOSHORT_\d+_\d+ --dupe-window 3m\)/,
      ],
      [
        'a cursor not sent',
        publishSpec('pub-bad-7', { ...table, columns: ['id', 'name'] }, { connection: 'pub_nats', subject }, { masks: unmasked(['id', 'name']) }),
        /the cursor updated_at is not among the columns sent \(id, name\): every message carries its cursor/,
      ],
      [
        'a delete flag that is not a boolean',
        publishSpec('pub-bad-8', table, { connection: 'pub_nats', subject }, { deletes: { column: 'street' } }),
        /the soft-delete flag column "street" is text: it must be a boolean/,
      ],
      ['an unknown table', publishSpec('pub-bad-9', { table: 'clean.nope' }, { connection: 'pub_nats', subject }), /table clean\.nope does not exist/],
      [
        'a cursor that is not a timestamp',
        publishSpec('pub-bad-10', { ...table, incremental: { cursor: 'name', lag: '0s' } }, { connection: 'pub_nats', subject }),
        /cursor column .* is text/,
      ],
    ];
    for (const [what, spec, message] of cases) {
      const { handle } = await start(spec);
      await expectWorkflowFailure(handle, message).catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
    }
    expect(await streams.count(stream.name)).toBe(0);
    expect(await streams.count(short.name)).toBe(0);
    expect(await env.db('dataops.watermarks').where('dataset', 'like', 'stream-publish:pub-bad-%')).toEqual([]);
  });
});

describe('a stream output whose worker is killed mid-publish', () => {
  it('publishes every changed row exactly once: the retry re-sends the unconfirmed batch, the broker drops what it had', async () => {
    const ROWS = 100_000;
    await env.db.raw('DROP TABLE IF EXISTS clean.pub_crash');
    await env.db.raw('CREATE TABLE clean.pub_crash (id integer PRIMARY KEY, payload text, updated_at timestamptz NOT NULL)');
    await env.db.raw(
      `INSERT INTO clean.pub_crash SELECT g, repeat('x', 100) || g, TIMESTAMPTZ '2026-11-30 10:00:00+08' + (g / 3) * INTERVAL '1 microsecond' FROM generate_series(1, ${ROWS}) g`,
    );
    const stream = await streams.create('docrash');
    const spec = publishSpec(
      'pub-crash',
      { table: 'clean.pub_crash' },
      { connection: 'pub_nats', subject: `${stream.subjects}.crash` },
      { masks: unmasked(['id', 'payload', 'updated_at']), options: { batchRows: 2_000, heartbeatSeconds: 5 } },
    );
    const taskQueue = 'test-stream-publish-crash';
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: taskQueue };
    const first = spawnWorker('publisher-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await start(spec, taskQueue);

    // Kill worker A for real while it has published messages of a batch the broker has not yet confirmed
    // to the checkpoint: more messages in the stream than rows committed, after a few batches.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'stream-publish' }).first();
      if (row && row.status !== 'staging') throw new Error('the pass finished before the worker could be killed; make the table bigger');
      if (row && row.state.rows >= 10_000 && (await streams.count(stream.name)) > row.state.rows) {
        first.kill('SIGKILL');
        break;
      }
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
    }
    await new Promise((r) => first.once('exit', r));
    expect(first.signalCode).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const committedAtKill = (await env.db('dataops.checkpoints').where({ run_id: runId, step: 'stream-publish' }).first()).state.rows as number;
    const storedAtKill = await streams.count(stream.name);
    const watermarkAtKill = await env.db('dataops.watermarks').where({ dataset: 'stream-publish:pub-crash' }).first();
    expect(storedAtKill).toBeGreaterThan(committedAtKill);
    // The watermark stands where the last confirmed batch ended, not past what the dead worker sent unconfirmed.
    expect(Number(watermarkAtKill.last_key)).toBe(committedAtKill);

    const second = spawnWorker('publisher-b', childEnv);
    const result = (await handle.result()) as StreamPublishResult;
    second.kill('SIGTERM');
    expect(result.pass.attempt).toBeGreaterThanOrEqual(2);
    expect(result.pass.resumedFromRow).toBe(committedAtKill);
    expect(result.pass.rows).toBe(ROWS);
    // Every message the dead worker sent past its last checkpoint came again, and the broker dropped each.
    expect(result.pass.duplicates).toBe(storedAtKill - committedAtKill);

    const messages = await streams.read(stream.name);
    expect(messages).toHaveLength(ROWS);
    expectEachOnce(messages, 'pub-crash');
    expect(new Set(parsed(messages).map((b) => `${b.key}|${b.cursor}`))).toEqual(await changesOf('pub_crash'));
    const metrics = await env.db('dataops.step_metrics').where({ run_id: runId });
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ records_out: String(ROWS), records_duplicate: String(storedAtKill - committedAtKill) });
    const history = await handle.fetchHistory();
    const retried = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1);
    expect(retried.map((e) => e.activityTaskStartedEventAttributes!.identity)).toContain('publisher-b');
  });
});

describe('a following stream output', () => {
  it('publishes new changes pass after pass, continues as new under the same run record, and stops when cancelled', async () => {
    await peopleTable('pub_follow', 50);
    const stream = await streams.create('dofollow');
    const spec = publishSpec(
      'pub-follow',
      { table: 'clean.pub_follow' },
      { connection: 'pub_nats', subject: `${stream.subjects}.follow` },
      { follow: { every: '1s' } },
    );
    const runId = `stream-publish:pub-follow:${Date.now()}`;
    // Two passes per workflow run, so the chain continues as new within the test.
    const handle = await env.client.workflow.start('streamPublish', {
      taskQueue: env.taskQueue,
      workflowId: runId,
      args: [{ runId, spec, passesPerRun: 2 }],
    });
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while ((await streams.count(stream.name)) < n) {
        if (Date.now() > deadline) throw new Error(`the stream did not reach ${n} messages`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await waitFor(50);
    for (let round = 0; round < 3; round++) {
      await env.db.raw(`INSERT INTO clean.pub_follow SELECT g, 'later', NULL, NULL, NULL, NULL, false, now() - INTERVAL '1 second'
        FROM generate_series(${100 + round * 10}, ${104 + round * 10}) g`);
      await waitFor(55 + round * 5);
    }
    // Let at least one more (empty) pass and a continue-as-new happen.
    await new Promise((r) => setTimeout(r, 3_000));
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
    expect((await env.db('dataops.runs').where({ run_id: runId }).first()).status).toBe('running');
    // The reconciler, long after the grace period, judges the chain by its latest run: still running.
    const reconciled = await reconcileRunRecords(env.db, env.client, logger(), new Date(Date.now() + 3_600_000));
    expect(reconciled.closed.map((c) => c.runId)).not.toContain(runId);
    expect((await env.db('dataops.runs').where({ run_id: runId }).first()).status).toBe('running');

    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const closed = await env.db('dataops.runs').where({ run_id: runId }).first();
    expect(closed.status).toBe('cancelled');
    const messages = await streams.read(stream.name);
    expect(messages).toHaveLength(65);
    expectEachOnce(messages, 'pub-follow');
    expect(new Set(parsed(messages).map((b) => `${b.key}|${b.cursor}`))).toEqual(await changesOf('pub_follow'));
    // Only the passes that published something are in the metrics; the run's totals add them up.
    const metrics = await env.db('dataops.step_metrics').where({ run_id: runId });
    expect(metrics.reduce((n, m) => n + Number(m.records_out), 0)).toBe(65);
    expect(metrics.every((m) => /^stream-publish\.\d+$/.test(m.step) && Number(m.records_out) > 0)).toBe(true);
    expect(Number(closed.records_out)).toBe(65);
    // Checkpoints of finished passes do not pile up.
    expect(Number((await env.db('dataops.checkpoints').where({ run_id: runId }).count('* as n'))[0]!.n)).toBeLessThanOrEqual(2);
  });
});
