import type { Appender, ByteStore, StoreKey, StoredEntry } from './byte-store.ts';

/** Directory handles are async-iterable in every browser with OPFS; our TS lib set lacks the typing. */
type IterableDirectory = FileSystemDirectoryHandle & {
  entries(): AsyncIterableIterator<[string, FileSystemDirectoryHandle | FileSystemFileHandle]>;
};

type SyncHandleFile = FileSystemFileHandle & {
  createSyncAccessHandle?: () => Promise<FileSystemSyncAccessHandle>;
};

const MiB = 1024 * 1024;

export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/**
 * The origin private file system. In a dedicated worker files are written through sync access
 * handles, which write in place (a closed tab keeps every byte flushed). On the main thread only
 * `createWritable` exists; it writes to a swap file committed on close, so checkpoints close and
 * reopen it — spaced out as the file grows, because reopening copies what is already there.
 */
export class OpfsStore implements ByteStore {
  readonly kind = 'opfs';

  constructor(private readonly rootName = 'hearth-models') {}

  async read(key: StoreKey): Promise<Uint8Array | undefined> {
    const file = await this.file(key);
    return file && new Uint8Array(await file.arrayBuffer());
  }

  async stream(key: StoreKey, end?: number): Promise<ReadableStream<Uint8Array> | undefined> {
    const file = await this.file(key);
    return file && (file.slice(0, end ?? file.size).stream() as ReadableStream<Uint8Array>);
  }

  async size(key: StoreKey): Promise<number | undefined> {
    return (await this.file(key))?.size;
  }

  async append(key: StoreKey, options: { truncate: boolean }): Promise<Appender> {
    const dir = await this.dir(key.slice(0, -1), true);
    const handle = (await dir!.getFileHandle(last(key), { create: true })) as SyncHandleFile;
    if (typeof handle.createSyncAccessHandle === 'function' && typeof document === 'undefined') {
      return syncAppender(await handle.createSyncAccessHandle(), options.truncate);
    }
    return writableAppender(handle, options.truncate);
  }

  async remove(key: StoreKey): Promise<void> {
    const dir = await this.dir(key.slice(0, -1), false);
    await dir?.removeEntry(last(key)).catch(ignoreNotFound);
  }

  async removeTree(prefix: StoreKey): Promise<void> {
    const parent = await this.dir(prefix.slice(0, -1), false);
    await parent?.removeEntry(last(prefix), { recursive: true }).catch(ignoreNotFound);
  }

  async list(prefix: StoreKey): Promise<StoredEntry[]> {
    const dir = await this.dir(prefix, false);
    const entries: StoredEntry[] = [];
    if (dir) await walk(dir, [...prefix], entries);
    return entries;
  }

  private async file(key: StoreKey): Promise<File | undefined> {
    const dir = await this.dir(key.slice(0, -1), false);
    if (!dir) return undefined;
    try {
      return await (await dir.getFileHandle(last(key))).getFile();
    } catch (error) {
      ignoreNotFound(error);
      return undefined;
    }
  }

  private async dir(path: StoreKey, create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
    let dir = await navigator.storage.getDirectory();
    for (const name of [this.rootName, ...path]) {
      try {
        dir = await dir.getDirectoryHandle(name, { create });
      } catch (error) {
        ignoreNotFound(error);
        return undefined;
      }
    }
    return dir;
  }
}

async function walk(dir: FileSystemDirectoryHandle, path: string[], out: StoredEntry[]): Promise<void> {
  for await (const [name, handle] of (dir as IterableDirectory).entries()) {
    if (handle.kind === 'directory') await walk(handle, [...path, name], out);
    else {
      // A file another context is writing through a sync access handle cannot be opened: size unknown.
      const size = await handle.getFile().then(
        (file) => file.size,
        () => 0,
      );
      out.push({ key: [...path, name], size });
    }
  }
}

function syncAppender(handle: FileSystemSyncAccessHandle, truncate: boolean): Appender {
  if (truncate) handle.truncate(0);
  let at = handle.getSize();
  return {
    async write(chunk) {
      let written = 0;
      while (written < chunk.byteLength)
        written += handle.write(chunk.subarray(written), { at: at + written });
      at += written;
    },
    async checkpoint() {
      handle.flush();
    },
    async close() {
      handle.flush();
      handle.close();
    },
  };
}

async function writableAppender(handle: FileSystemFileHandle, truncate: boolean): Promise<Appender> {
  let committed = truncate ? 0 : (await handle.getFile()).size;
  let pending = 0;
  const open = async () => {
    const writable = await handle.createWritable({ keepExistingData: committed > 0 });
    if (committed > 0) await writable.seek(committed);
    return writable;
  };
  let writable = await open();
  return {
    async write(chunk) {
      await writable.write(chunk as Uint8Array<ArrayBuffer>);
      pending += chunk.byteLength;
    },
    async checkpoint() {
      if (pending < Math.max(4 * MiB, committed / 4)) return;
      await writable.close();
      committed += pending;
      pending = 0;
      writable = await open();
    },
    async close() {
      await writable.close();
      committed += pending;
      pending = 0;
    },
  };
}

function last(key: StoreKey): string {
  const name = key[key.length - 1];
  if (!name) throw new Error('empty store key');
  return name;
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError'))
    return;
  throw error;
}
