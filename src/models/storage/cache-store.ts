import type { Appender, ByteStore, StoreKey, StoredEntry } from './byte-store.ts';

/** Cache keys must be http(s) URLs; this origin never goes on the network. */
const KEY_ORIGIN = 'https://hearth-models.invalid/';
const PART_BYTES = 8 * 1024 * 1024;

export function cacheStorageAvailable(): boolean {
  return typeof caches !== 'undefined';
}

/**
 * The Cache API, for browsers without OPFS. A cached response cannot be appended to, so a file is
 * a run of parts (`<key>?part=N`), each put when `PART_BYTES` have arrived or at a checkpoint; a
 * resumed download adds parts after the ones already there.
 */
export class CacheStore implements ByteStore {
  readonly kind = 'cache';

  constructor(private readonly cacheName = 'hearth-models') {}

  async read(key: StoreKey): Promise<Uint8Array | undefined> {
    const stream = await this.stream(key);
    return stream && new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async stream(key: StoreKey, end?: number): Promise<ReadableStream<Uint8Array> | undefined> {
    const parts = await this.parts(key);
    if (parts.length === 0) return undefined;
    const blobs: Blob[] = [];
    for (const part of parts) {
      const response = await (await this.cache()).match(part.request);
      if (!response) throw new DOMException(`part ${part.request.url} vanished`, 'NotFoundError');
      blobs.push(await response.blob());
    }
    const whole = new Blob(blobs);
    return whole.slice(0, end ?? whole.size).stream() as ReadableStream<Uint8Array>;
  }

  async size(key: StoreKey): Promise<number | undefined> {
    const parts = await this.parts(key);
    return parts.length === 0 ? undefined : parts.reduce((sum, part) => sum + part.size, 0);
  }

  async append(key: StoreKey, options: { truncate: boolean }): Promise<Appender> {
    if (options.truncate) await this.remove(key);
    const cache = await this.cache();
    let next = (await this.parts(key)).length;
    let buffered: Uint8Array[] = [];
    let bufferedBytes = 0;
    const flush = async () => {
      if (bufferedBytes === 0) return;
      const body = new Blob(buffered as Uint8Array<ArrayBuffer>[]);
      buffered = [];
      bufferedBytes = 0;
      await cache.put(
        partUrl(key, next),
        new Response(body, { headers: { 'X-Part-Size': String(body.size) } }),
      );
      next += 1;
    };
    return {
      async write(chunk) {
        buffered.push(chunk.slice());
        bufferedBytes += chunk.byteLength;
        if (bufferedBytes >= PART_BYTES) await flush();
      },
      checkpoint: flush,
      close: flush,
    };
  }

  async remove(key: StoreKey): Promise<void> {
    const cache = await this.cache();
    for (const part of await this.parts(key)) await cache.delete(part.request);
  }

  async removeTree(prefix: StoreKey): Promise<void> {
    const cache = await this.cache();
    const base = `${KEY_ORIGIN}${prefix.map(encodeURIComponent).join('/')}/`;
    for (const request of await cache.keys()) if (request.url.startsWith(base)) await cache.delete(request);
  }

  async list(prefix: StoreKey): Promise<StoredEntry[]> {
    const cache = await this.cache();
    const base = `${KEY_ORIGIN}${prefix.map(encodeURIComponent).join('/')}/`;
    const sizes = new Map<string, number>();
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(base)) continue;
      const url = new URL(request.url);
      const size = Number((await cache.match(request))?.headers.get('X-Part-Size') ?? 0);
      sizes.set(url.pathname, (sizes.get(url.pathname) ?? 0) + size);
    }
    return [...sizes].map(([pathname, size]) => ({
      key: pathname.slice(1).split('/').map(decodeURIComponent),
      size,
    }));
  }

  private async parts(key: StoreKey): Promise<{ request: Request; size: number }[]> {
    const cache = await this.cache();
    const matches = await cache.keys(partUrl(key, 0), { ignoreSearch: true });
    const parts = await Promise.all(
      matches.map(async (request) => ({
        request,
        index: Number(new URL(request.url).searchParams.get('part')),
        size: Number((await cache.match(request))?.headers.get('X-Part-Size') ?? 0),
      })),
    );
    return parts.sort((a, b) => a.index - b.index);
  }

  private cache(): Promise<Cache> {
    return caches.open(this.cacheName);
  }
}

function partUrl(key: StoreKey, index: number): string {
  return `${KEY_ORIGIN}${key.map(encodeURIComponent).join('/')}?part=${index}`;
}
