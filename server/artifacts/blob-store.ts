/**
 * Content-addressed file storage: every blob lives at `blobs/<aa>/<sha256>` under the data folder, so equal
 * contents are stored once and a name can never point outside the store. Writes go to `tmp/` first and are
 * renamed into place only when complete, so a crash never leaves a half-written blob behind a valid hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/errors.ts';

export interface StoredBlob {
  sha256: string;
  size: number;
}

/** Bytes written and hashed but still in `tmp/`: nothing reaches `blobs/` until `commit`. */
export interface StagedBlob extends StoredBlob {
  tmpPath: string;
}

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export class BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.blobsDir = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(dataDir, 'tmp');
    fs.mkdirSync(this.blobsDir, { recursive: true });
    // Leftovers of writes interrupted by a crash are never referenced: drop them.
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(this.blobsDir, sha256.slice(0, 2), sha256);
  }

  /** Streams `source` into the store, hashing as it goes; more than `limitBytes` aborts with 413. */
  async put(source: Readable, limitBytes = Number.POSITIVE_INFINITY): Promise<StoredBlob> {
    const staged = await this.stage(source, limitBytes);
    this.commit(staged);
    return { sha256: staged.sha256, size: staged.size };
  }

  /** Streams `source` to `tmp/`, hashing as it goes; more than `limitBytes` aborts with 413 and keeps nothing. */
  async stage(source: Readable, limitBytes = Number.POSITIVE_INFINITY): Promise<StagedBlob> {
    const tmp = path.join(this.tmpDir, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limitBytes) {
          callback(
            new HttpError(
              413,
              'file_too_large',
              `The file is larger than this server's upload limit of ${limitBytes} bytes; split it or ask the operator to raise HEARTH_UPLOAD_LIMIT_BYTES.`,
            ),
          );
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp));
      return { sha256: hash.digest('hex'), size, tmpPath: tmp };
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  }

  commit(staged: StagedBlob): void {
    const target = this.pathOf(staged.sha256);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(staged.tmpPath, target);
  }

  discard(staged: StagedBlob | undefined): void {
    if (staged) fs.rmSync(staged.tmpPath, { force: true });
  }

  /**
   * Removes blobs nothing refers to: a crash between storing a blob and recording it leaves one behind.
   * Call at startup, before anything stores blobs.
   */
  reclaimOrphans(inUse: (sha256: string) => boolean): number {
    let removed = 0;
    for (const prefix of fs.readdirSync(this.blobsDir)) {
      const dir = path.join(this.blobsDir, prefix);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const name of fs.readdirSync(dir)) {
        if (SHA256_PATTERN.test(name) && inUse(name)) continue;
        fs.rmSync(path.join(dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }

  async putFile(filePath: string): Promise<StoredBlob> {
    return this.put(fs.createReadStream(filePath));
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  remove(sha256: string): void {
    fs.rmSync(this.pathOf(sha256), { force: true });
  }
}
