/**
 * Where the asset store keeps bytes: OPFS where the browser has it, the Cache API otherwise, memory
 * in Node tests. A key is a list of path segments, each already safe as a file name.
 */
export type StoreKey = readonly string[];

export interface Appender {
  /** Appends bytes after everything written so far. */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Makes the bytes written so far survive a closed tab. Backends may skip a checkpoint when it
   * would cost more than the bytes it protects; `close` always persists.
   */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export interface StoredEntry {
  key: string[];
  size: number;
}

export interface ByteStore {
  readonly kind: 'opfs' | 'cache' | 'memory';
  read(key: StoreKey): Promise<Uint8Array | undefined>;
  /** The first `end` bytes (all when omitted), as a stream, to hash a stored prefix without holding it whole. */
  stream(key: StoreKey, end?: number): Promise<ReadableStream<Uint8Array> | undefined>;
  size(key: StoreKey): Promise<number | undefined>;
  /** Opens the file for appending; `truncate` empties it first. Creates folders as needed. */
  append(key: StoreKey, options: { truncate: boolean }): Promise<Appender>;
  remove(key: StoreKey): Promise<void>;
  /** Removes a folder and everything under it. */
  removeTree(prefix: StoreKey): Promise<void>;
  /** Every file under `prefix`, at any depth, with its size. */
  list(prefix: StoreKey): Promise<StoredEntry[]>;
}

export async function writeText(store: ByteStore, key: StoreKey, text: string): Promise<void> {
  const appender = await store.append(key, { truncate: true });
  await appender.write(new TextEncoder().encode(text));
  await appender.close();
}

export async function readText(store: ByteStore, key: StoreKey): Promise<string | undefined> {
  const bytes = await store.read(key);
  return bytes && new TextDecoder().decode(bytes);
}
