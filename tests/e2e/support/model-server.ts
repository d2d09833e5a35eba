import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny model host in the hub's layout (`/<owner>/<name>/resolve/<revision>/<path>`) for asset
 * store tests. It serves Range requests, counts every byte it sends, and misbehaves on demand:
 * it can cut a response part way, serve a corrupted byte, send the hub's `X-Linked-Etag`, or
 * trickle bytes slowly. CORS and CORP headers let a cross-origin isolated page read it.
 */
export interface ServedFileBehaviour {
  /** Close the connection after this many body bytes, for the next `cutTimes` GETs (default 1). */
  cutAfter?: number;
  cutTimes?: number;
  /** Send this many body bytes, then hold the connection open without sending more (a stalled network). */
  stallAfter?: number;
  /** Flip one byte in the middle of the file in every response. */
  corrupt?: boolean;
  /** Send `X-Linked-Etag`: the real SHA-256 (`true`) or the given value. */
  linkedEtag?: boolean | string;
  /** Send the body in chunks of this size with `chunkDelayMs` between them. */
  chunkBytes?: number;
  chunkDelayMs?: number;
}

export interface ServedRequest {
  method: string;
  path: string;
  range: string | undefined;
  status: number;
  bytesSent: number;
}

export interface ModelServer {
  url: string;
  addFile(repo: string, revision: string, path: string, bytes: Uint8Array): void;
  configure(repo: string, revision: string, path: string, behaviour: ServedFileBehaviour): void;
  requests(filter?: { path?: string; method?: string }): ServedRequest[];
  bytesServed(path?: string): number;
  /** The most GET bodies that were being sent at the same moment since the last reset. */
  maxConcurrentGets(): number;
  resetCounts(): void;
  close(): Promise<void>;
}

/** Files at least this big are "LFS files" in the fake hub API (they get an lfs.sha256). */
const LFS_THRESHOLD = 1024;

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic pseudo-random bytes (xorshift32), so every run serves the same file. */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function startModelServer(): Promise<ModelServer> {
  const files = new Map<string, { bytes: Uint8Array; sha256: string; behaviour: ServedFileBehaviour }>();
  let log: ServedRequest[] = [];
  let activeGets = 0;
  let maxActiveGets = 0;
  const keyOf = (repo: string, revision: string, path: string) => `/${repo}/resolve/${revision}/${path}`;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range, If-Range');
    res.setHeader(
      'Access-Control-Expose-Headers',
      'Content-Range, Content-Length, Accept-Ranges, ETag, X-Linked-Etag, X-Linked-Size',
    );
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const path = decodeURI(new URL(req.url ?? '/', 'http://x').pathname);
    const entry: ServedRequest = {
      method: req.method ?? 'GET',
      path,
      range: req.headers.range,
      status: 0,
      bytesSent: 0,
    };
    log.push(entry);
    if (req.method === 'OPTIONS') {
      entry.status = 204;
      res.writeHead(204).end();
      return;
    }
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
    if (api && req.method === 'GET') {
      // The hub's revision info with ?blobs=true: size of every file, and LFS hashes of the big ones.
      const prefix = `/${api[1]}/resolve/${api[2]}/`;
      const siblings = [...files]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, served]) => ({
          rfilename: key.slice(prefix.length),
          size: served.bytes.length,
          ...(served.bytes.length >= LFS_THRESHOLD
            ? { lfs: { sha256: served.sha256, size: served.bytes.length, pointerSize: 134 } }
            : {}),
        }));
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ siblings }));
      return;
    }
    const file = files.get(path);
    if (!file) {
      entry.status = 404;
      res.writeHead(404).end('not found');
      return;
    }
    const { behaviour } = file;
    let body = file.bytes;
    if (behaviour.corrupt) {
      body = body.slice();
      const middle = Math.floor(body.length / 2);
      body[middle] = body[middle]! ^ 0xff;
    }
    const etag = `"${file.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('X-Linked-Size', String(body.length));
    if (behaviour.linkedEtag) {
      res.setHeader('X-Linked-Etag', behaviour.linkedEtag === true ? etag : `"${behaviour.linkedEtag}"`);
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= body.length) {
        entry.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      entry.status = 206;
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'Content-Length': String(body.length - start),
      });
    } else {
      entry.status = 200;
      res.writeHead(200, { 'Content-Length': String(body.length) });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    activeGets += 1;
    maxActiveGets = Math.max(maxActiveGets, activeGets);
    let counted = true;
    const done = () => {
      if (counted) activeGets -= 1;
      counted = false;
    };
    res.on('close', done);
    let payload = body.subarray(start);
    let cut = false;
    let stall = false;
    if (behaviour.stallAfter !== undefined) {
      payload = payload.subarray(0, behaviour.stallAfter);
      stall = true;
    }
    if (behaviour.cutAfter !== undefined && (behaviour.cutTimes ?? 1) > 0) {
      behaviour.cutTimes = (behaviour.cutTimes ?? 1) - 1;
      payload = payload.subarray(0, behaviour.cutAfter);
      cut = true;
    }
    const chunk = behaviour.chunkBytes ?? 64 * 1024;
    for (let at = 0; at < payload.length; at += chunk) {
      if (res.destroyed) return;
      const piece = payload.subarray(at, at + chunk);
      await new Promise<void>((resolve) => res.write(piece, () => resolve()));
      entry.bytesSent += piece.length;
      if (at + chunk >= payload.length) break;
      if (behaviour.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.chunkDelayMs));
    }
    if (!stall) done(); // every byte is on its way; the client may start its next request
    if (stall) return; // the connection stays open until the client goes away
    if (cut) {
      // Let the client read what was sent (a stream error discards chunks not yet read), then drop
      // the connection mid-body: the client sees a network error.
      await new Promise((resolve) => setTimeout(resolve, 300));
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requests = (filter: { path?: string; method?: string } = {}) =>
    log.filter(
      (r) =>
        (filter.path === undefined || r.path.endsWith(filter.path)) &&
        (filter.method === undefined || r.method === filter.method),
    );
  return {
    url: `http://127.0.0.1:${port}`,
    addFile(repo, revision, path, bytes) {
      files.set(keyOf(repo, revision, path), { bytes, sha256: sha256Hex(bytes), behaviour: {} });
    },
    configure(repo, revision, path, behaviour) {
      const file = files.get(keyOf(repo, revision, path));
      if (!file) throw new Error(`no served file ${path}`);
      file.behaviour = { ...behaviour };
    },
    requests,
    bytesServed: (path) =>
      requests(path === undefined ? {} : { path }).reduce((sum, r) => sum + r.bytesSent, 0),
    maxConcurrentGets: () => maxActiveGets,
    resetCounts() {
      log = [];
      maxActiveGets = activeGets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
