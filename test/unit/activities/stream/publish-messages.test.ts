import { describe, expect, it } from 'vitest';
import { changeMessageId, changeMessages } from '../../../../activities/stream/publish-messages.ts';
import { keyToken, subjectFilter, subjectFor } from '../../../../activities/stream/publish-subject.ts';
import { requiredDuplicateWindowMs } from '../../../../activities/stream/publish-target.ts';

describe('a key as a subject token', () => {
  it('keeps letters, digits, _ and -, and writes every other byte as ~XX, so a key adds no level or wildcard', () => {
    expect(keyToken('ok-1_A')).toBe('ok-1_A');
    expect(keyToken('a.b')).toBe('a~2Eb');
    expect(keyToken('*')).toBe('~2A');
    expect(keyToken('>')).toBe('~3E');
    expect(keyToken('a/b+c#')).toBe('a~2Fb~2Bc~23');
    expect(keyToken('x~y')).toBe('x~7Ey');
    expect(keyToken('住')).toBe('~E4~BD~8F');
    expect(keyToken('')).toBe('~');
  });

  it('fills the template, and the stream check looks for every key at once', () => {
    const jetstream = { type: 'jetstream', connection: 'n', subject: 'minhang.residents.{key}.changes' } as const;
    expect(subjectFor(jetstream)('a b')).toBe('minhang.residents.a~20b.changes');
    expect(subjectFilter(jetstream)).toBe('minhang.residents.*.changes');
    const fixed = { type: 'jetstream', connection: 'n', subject: 'minhang.residents' } as const;
    expect(subjectFor(fixed)('1')).toBe('minhang.residents');
    const mqtt = { type: 'mqtt', connection: 'm', topic: 'minhang/{key}' } as const;
    expect(subjectFor(mqtt)('a/b')).toBe('minhang/a~2Fb');
    expect(subjectFilter(mqtt)).toBe('minhang/+');
  });
});

describe('change messages', () => {
  const shape = {
    job: 'pub',
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'n', type: 'integer' },
      { name: 'ok', type: 'boolean' },
      { name: 'doc', type: 'jsonb' },
      { name: 'name', type: 'text' },
      { name: 'gone', type: 'boolean' },
    ],
    maskers: [undefined, undefined, undefined, undefined, (v: unknown) => (v === null ? null : `${String(v)[0]}**`), undefined],
    keyIndex: 0,
    cursorIndex: 6,
    deletedIndex: 5,
    subject: (key: string) => `s.${key}`,
  };

  it('carry the documented envelope, values typed where JSON holds them exactly, masked as planned', () => {
    const [m] = changeMessages(shape)([['9007199254740993', '7', 't', '{"a":[1]}', '张三', 'f', '2026-12-01 10:00:00.123456+08']]);
    expect(m!.subject).toBe('s.9007199254740993');
    expect(m!.id).toBe(changeMessageId('pub', '9007199254740993', '2026-12-01 10:00:00.123456+08'));
    expect(JSON.parse(new TextDecoder().decode(m!.data))).toEqual({
      job: 'pub',
      id: m!.id,
      op: 'upsert',
      key: '9007199254740993',
      cursor: '2026-12-01 10:00:00.123456+08',
      row: { id: '9007199254740993', n: 7, ok: true, doc: { a: [1] }, name: '张**', gone: false },
    });
  });

  it('say delete for a row the centre flagged deleted, and null for NULL', () => {
    const [m] = changeMessages(shape)([['1', null, null, null, null, 't', '2026-12-01 10:00:00+08']]);
    expect(JSON.parse(new TextDecoder().decode(m!.data))).toMatchObject({ op: 'delete', row: { n: null, ok: null, doc: null, name: null, gone: true } });
  });

  it('are the same bytes and id when the same change is sent again, and a new id when the row changes again', () => {
    const row = ['1', '2', 'f', null, 'x', 'f', '2026-12-01 10:00:00+08'];
    const [a] = changeMessages(shape)([row]);
    const [b] = changeMessages(shape)([row]);
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(true);
    expect(a!.id).toBe(b!.id);
    const [later] = changeMessages(shape)([[...row.slice(0, 6), '2026-12-01 10:00:01+08']]);
    expect(later!.id).not.toBe(a!.id);
    expect(changeMessageId('other-job', '1', '2026-12-01 10:00:00+08')).not.toBe(a!.id);
  });
});

describe('the duplicate window a stream output needs', () => {
  it('outlasts the heartbeat timeout, the longest retry interval and the time to resume (the default 2 minutes covers the default 30 s heartbeat)', () => {
    expect(requiredDuplicateWindowMs(30)).toBe(90_000);
    expect(requiredDuplicateWindowMs(30)).toBeLessThanOrEqual(120_000);
    expect(requiredDuplicateWindowMs(120)).toBe(180_000);
  });
});
