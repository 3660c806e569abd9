import { describe, expect, it } from 'vitest';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';

const base = {
  kind: 'stream-ingest',
  job: 'permits',
  dataset: 'permits',
  department: 'market',
  source: { type: 'jetstream', connection: 'nats', stream: 'PERMITS' },
  fields: { id: { type: 'string', required: true }, at: { type: 'timestamp', required: true }, n: { type: 'integer' } },
  target: { table: 'stream.permits' },
};
const issues = (extra: object) => {
  const parsed = jobSpecSchema.safeParse({ ...base, ...extra });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('stream-ingest job specs', () => {
  it('fills in bounded batches, poison and size limits by default', () => {
    const spec = jobSpecSchema.parse(base);
    expect(spec).toMatchObject({
      batch: { maxMessages: 2000, maxWait: '1s' },
      maxDeliveries: 5,
      maxMessageBytes: 1048576,
      options: { heartbeatSeconds: 30, sliceSeconds: 300 },
    });
  });

  it('names the path of what cannot work', () => {
    expect(issues({ key: ['nope'] })).toEqual(['key.0: key field "nope" is not a declared field (declared: id, at, n)']);
    expect(issues({ rules: { dedup: { key: ['id'] } } })).toEqual(['rules.dedup: a stream de-duplicates by its key: use key instead of rules.dedup']);
    expect(issues({ rules: { columns: { n: { normalise: ['trim'] } } } })).toEqual([
      'rules.columns.n.normalise: field "n" is an integer: only string fields take normalisers',
    ]);
    expect(issues({ target: { table: 'stream.p', partitionBy: { field: 'n' } } })).toEqual([
      'target.partitionBy.field: partition field "n" must be a timestamp or date, not integer',
      'fields.n.required: partition field "n" must be required: a record without it has no partition',
    ]);
    expect(issues({ batch: { maxWait: '20s' } })).toEqual(['batch.maxWait: batch.maxWait (20s) must be under a third of options.heartbeatSeconds (30)']);
    expect(issues({ source: { type: 'jetstream', connection: 'nats', stream: 'A.B' } })[0]).toMatch(/^source\.stream: /);
    expect(issues({ source: { type: 'mqtt', connection: 'm', topics: ['iot/+/+/t'], topicFields: 'iot/{department}/{n}/t' } })).toEqual([
      'source.topicFields: topic field "department" is not a declared field (declared: id, at, n)',
      'source.topicFields: topic field "n" must be declared as a string',
    ]);
  });
});
