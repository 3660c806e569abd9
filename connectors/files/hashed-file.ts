import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** A new file whose bytes are counted and hashed as they are written; closing syncs it to disk. */
export class HashedFile {
  private readonly hash = createHash('sha256');
  bytes = 0;

  private constructor(private readonly handle: FileHandle) {}

  /** Fails when the file exists: an extract never writes over a file. */
  static async create(path: string): Promise<HashedFile> {
    return new HashedFile(await open(path, 'wx'));
  }

  async write(data: Uint8Array): Promise<void> {
    if (!data.length) return;
    this.hash.update(data);
    this.bytes += data.length;
    let offset = 0;
    while (offset < data.length) offset += (await this.handle.write(data, offset)).bytesWritten;
  }

  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.handle.sync();
    await this.handle.close();
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}
