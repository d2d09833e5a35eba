/**
 * Keeps small, often-downloaded blobs (adapter files) in memory: they are content-addressed and never change,
 * so a cached copy is always right, and serving a Buffer skips an open/read/close per request.
 * Least recently used blobs leave first once `budgetBytes` is exceeded.
 */
import fs from 'node:fs';

export class BlobCache {
  private readonly entries = new Map<string, Buffer>();
  private used = 0;

  constructor(
    private readonly budgetBytes = 64 * 1024 * 1024,
    private readonly maxEntryBytes = 4 * 1024 * 1024,
  ) {}

  /** The blob's bytes if it is small enough to cache (reading it on a miss), else null. */
  get(sha256: string, size: number, filePath: string): Buffer | null {
    const hit = this.entries.get(sha256);
    if (hit) {
      this.entries.delete(sha256); // re-insert: Map order is the recency order
      this.entries.set(sha256, hit);
      return hit;
    }
    if (size > this.maxEntryBytes) return null;
    const bytes = fs.readFileSync(filePath);
    this.entries.set(sha256, bytes);
    this.used += bytes.length;
    for (const [key, value] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(key);
      this.used -= value.length;
    }
    return bytes;
  }
}
