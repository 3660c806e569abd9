import { describe, expect, it } from 'vitest';
import { type DeclaredField, messageDecoder } from '../../../../governance/stream/decode-message.ts';

const fields: DeclaredField[] = [
  { name: 'id', type: 'string', required: true, maxLength: 8 },
  { name: 'count', type: 'integer', required: false },
  { name: 'amount', type: 'number', required: false },
  { name: 'ok', type: 'boolean', required: false },
  { name: 'at', type: 'timestamp', required: false },
  { name: 'day', type: 'date', required: false },
  { name: 'temp', type: 'number', required: false, path: 'reading.temp' },
  { name: 'extra', type: 'json', required: false },
];
const decode = messageDecoder(fields, { defaultOffsetMinutes: 480 });
const bytes = (text: string) => new TextEncoder().encode(text);
const values = (text: string) => {
  const d = decode(bytes(text), 'a/b');
  if ('failure' in d) throw new Error(d.failure.reason.en);
  return d.values;
};
const failure = (data: string | Uint8Array) => {
  const d = decode(typeof data === 'string' ? bytes(data) : data, 'a/b');
  if (!('failure' in d)) throw new Error('decoded');
  return d.failure;
};

describe('messageDecoder', () => {
  it('reads declared fields as text in declared order, nested paths and nulls included', () => {
    expect(
      values(
        '{"id":"A1","count":3,"amount":1.5,"ok":true,"at":"2026-12-01T08:00:00.123456+08:00","day":"2026-12-01","reading":{"temp":21.5},"extra":{"a":[1]}}',
      ),
    ).toEqual(['A1', '3', '1.5', 'true', '2026-12-01T08:00:00.123456+08:00', '2026-12-01', '21.5', '{"a":[1]}']);
    expect(values('{"id":"A2"}')).toEqual(['A2', null, null, null, null, null, null, null]);
  });

  it('keeps integers beyond 2^53 and long decimals exactly as sent', () => {
    const v = values('{"id":"A3","count":9007199254740993,"amount":0.1234567890123456789}');
    expect(v[1]).toBe('9007199254740993');
    expect(v[2]).toBe('0.1234567890123456789');
  });

  it('gives timestamps without an offset the centre offset, and reads epoch seconds and milliseconds', () => {
    expect(values('{"id":"T1","at":"2026-12-01 08:00:00"}')[4]).toBe('2026-12-01T00:00:00.000Z');
    expect(values('{"id":"T2","at":1764547200}')[4]).toBe('2025-12-01T00:00:00.000Z');
    expect(values('{"id":"T3","at":1764547200000}')[4]).toBe('2025-12-01T00:00:00.000Z');
  });

  it('says why a message cannot be read', () => {
    expect(failure(new Uint8Array([0x7b, 0xff, 0x7d])).ruleId).toBe('stream.encoding');
    expect(failure('{"id": "x",').ruleId).toBe('stream.json');
    expect(failure('[1,2]').reason.en).toBe('the message is an array, not a JSON object');
    expect(failure('{"count":1}')).toMatchObject({ ruleId: 'stream.required', column: 'id' });
    expect(failure('{"id":"A","count":1.5}')).toMatchObject({ ruleId: 'stream.type', column: 'count' });
    expect(failure('{"id":"A","count":"7"}').reason.en).toBe('field "count" should be an integer, got string "7"');
    expect(failure('{"id":"A","count":92233720368547758070}').column).toBe('count');
    expect(failure('{"id":"A","ok":"yes"}').column).toBe('ok');
    expect(failure('{"id":"A","at":"yesterday"}').column).toBe('at');
    expect(failure('{"id":"A","day":"2026-02-30"}').column).toBe('day');
    expect(failure('{"id":"too-long-id"}').reason.en).toBe('field "id" is longer than 8 characters');
    expect(failure('{"id":"a\\u0000b"}').reason.en).toContain('NUL');
    expect(failure('{"id":"a\\ud800b"}').reason.en).toContain('unpaired surrogate');
    expect(failure('{"id":"A","extra":{"k":"\\u0000"}}').column).toBe('extra');
    expect(failure('{"id":"A","at":1733000000000000}').column).toBe('at');
    expect(values('{"id":"A","extra":{"k":"\\ud83d\\ude00"}}')[7]).toBe('{"k":"😀"}');
  });

  it('takes topic fields from their level of the subject', () => {
    const d = messageDecoder(
      [
        { name: 'department', type: 'string', required: true, topicLevel: 1 },
        { name: 'device', type: 'string', required: true, topicLevel: 2 },
        { name: 'temp', type: 'number', required: true },
      ],
      { defaultOffsetMinutes: 480 },
    );
    expect(d(bytes('{"temp":20}'), 'iot/environment/dev-7/telemetry')).toEqual({ values: ['environment', 'dev-7', '20'] });
    expect(d(bytes('{"temp":20}'), 'iot/environment')).toMatchObject({ failure: { ruleId: 'stream.required', column: 'device' } });
  });
});
