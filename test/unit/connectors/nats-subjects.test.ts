import { describe, expect, it } from 'vitest';
import { subjectCovers } from '../../../connectors/nats/subjects.ts';

describe('whether a stream subject covers the subjects a publisher sends to', () => {
  it('takes literals, * for one token and > for the rest', () => {
    expect(subjectCovers('a.b', 'a.b')).toBe(true);
    expect(subjectCovers('a.*', 'a.b')).toBe(true);
    expect(subjectCovers('a.>', 'a.b.c')).toBe(true);
    expect(subjectCovers('>', 'a')).toBe(true);
    expect(subjectCovers('a.*', 'a.*')).toBe(true);
    expect(subjectCovers('a.>', 'a.*')).toBe(true);
  });

  it('refuses a pattern that stores only some of them, or other ones', () => {
    expect(subjectCovers('a.b', 'a.*')).toBe(false);
    expect(subjectCovers('a.*', 'a.b.c')).toBe(false);
    expect(subjectCovers('a.>', 'a')).toBe(false);
    expect(subjectCovers('a.*', 'a.>')).toBe(false);
    expect(subjectCovers('a.b.c', 'a.b')).toBe(false);
    expect(subjectCovers('x.>', 'a.b')).toBe(false);
  });
});
