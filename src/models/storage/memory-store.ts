import type { Appender, ByteStore, StoreKey, StoredEntry } from './byte-store.ts';

/** Keeps everything in memory: for Node tests and for pages that must not write to disk. */
export class MemoryStore implements ByteStore {
  readonly kind = 'memory';
  private readonly files = new Map<string, Uint8Array[]>();

  async read(key: StoreKey): Promise<Uint8Array | undefined> {
    const chunks = this.files.get(join(key));
    return chunks && concat(chunks);
  }

  async stream(key: StoreKey, end?: number): Promise<ReadableStream<Uint8Array> | undefined> {
    const bytes = await this.read(key);
    if (!bytes) return undefined;
    const slice = bytes.subarray(0, end ?? bytes.byteLength);
    return new ReadableStream({
      start(controller) {
        controller.enqueue(slice);
        controller.close();
      },
    });
  }

  async size(key: StoreKey): Promise<number | undefined> {
    return this.files.get(join(key))?.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  }

  async append(key: StoreKey, options: { truncate: boolean }): Promise<Appender> {
    const name = join(key);
    if (options.truncate || !this.files.has(name)) this.files.set(name, []);
    const chunks = this.files.get(name)!;
    return {
      write: async (chunk) => void chunks.push(chunk.slice()),
      checkpoint: async () => {},
      close: async () => {},
    };
  }

  async remove(key: StoreKey): Promise<void> {
    this.files.delete(join(key));
  }

  async removeTree(prefix: StoreKey): Promise<void> {
    for (const name of [...this.files.keys()]) if (under(name, prefix)) this.files.delete(name);
  }

  async list(prefix: StoreKey): Promise<StoredEntry[]> {
    const entries: StoredEntry[] = [];
    for (const [name, chunks] of this.files) {
      if (!under(name, prefix)) continue;
      entries.push({ key: name.split('/'), size: chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0) });
    }
    return entries;
  }
}

const join = (key: StoreKey) => key.join('/');
const under = (name: string, prefix: StoreKey) => prefix.length === 0 || name.startsWith(`${join(prefix)}/`);

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
