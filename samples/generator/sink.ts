// Buffered, back-pressured text file writer that encodes as UTF-8 or GBK and hashes what it writes.

import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import iconv from 'iconv-lite';

export type SinkEncoding = 'utf-8' | 'gbk';

export interface SinkResult {
  readonly bytes: number;
  readonly sha256: string;
}

const FLUSH_AT = 64 * 1024;
const QUESTION_MARK = 0x3f;

function countQuestionMarks(s: string | Buffer): number {
  let n = 0;
  if (typeof s === 'string') for (let i = 0; i < s.length; i++) n += s.charCodeAt(i) === QUESTION_MARK ? 1 : 0;
  else for (const b of s) n += b === QUESTION_MARK ? 1 : 0;
  return n;
}

// iconv-lite writes '?' for characters GBK lacks. 0x3F is never a GBK trail byte, so extra ones mean loss.
function encodeGbk(text: string): Buffer {
  const buf = iconv.encode(text, 'gbk');
  if (countQuestionMarks(buf) !== countQuestionMarks(text)) throw new Error('text has characters GBK cannot encode');
  return buf;
}

export class FileSink {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];
  private pendingLength = 0;
  private bytes = 0;
  private failure: Error | null = null;
  private closing: Promise<SinkResult> | null = null;

  constructor(
    readonly path: string,
    private readonly encoding: SinkEncoding = 'utf-8',
  ) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    const buf = this.encoding === 'gbk' ? encodeGbk(text) : Buffer.from(text, 'utf8');
    this.hash.update(buf);
    this.bytes += buf.length;
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  /** Appends another file's bytes unchanged, streaming. */
  async copyFrom(readable: AsyncIterable<Buffer>): Promise<void> {
    await this.flush();
    for await (const chunk of readable) {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
  }

  /** Flushes and closes; calling it again returns the same result. */
  close(): Promise<SinkResult> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<SinkResult> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}
