import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** What `embedCors` in vite.config.ts sends (docs/embedding.md): pages of other origins may load these files. */
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Accept-Ranges, ETag, X-Linked-Etag, X-Linked-Size',
};
const PREFLIGHT = {
  ...CORS,
  'Access-Control-Allow-Methods': 'GET, HEAD',
  'Access-Control-Allow-Headers': 'Range, If-Range',
  'Access-Control-Max-Age': '86400',
};

export interface AppServer {
  url: string;
  port: number;
  /** Every path asked for since the last `clear`, in order. */
  requested: string[];
  /** Serves another build from now on: a deployment of a new version on the same origin. */
  serve(root: string): void;
  /** Stops listening and drops open connections (the host is gone). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/**
 * A production host for the built app (a `dist/` folder) that a test can stop, start again and
 * switch to another build, on one origin: port 0 the first time (never another's port), then the
 * same port. It sends COOP/COEP/CORP unless `isolation: false` (a host without them).
 */
export async function startAppServer(
  root: string,
  options: {
    isolation?: boolean;
    /** More folders under URL prefixes (`{ '/bench-models': dir }`), served as they are. */
    mounts?: Record<string, string>;
    /** Default 0: a free port. */
    port?: number;
    /** CORS as `npm run preview` sends it, for `<hearth-chat>` on a page of another origin (default off). */
    cors?: boolean;
  } = {},
): Promise<AppServer> {
  let current = root;
  const requested: string[] = [];
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = options.port ?? 0;

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    requested.push(path);
    if (request.method === 'OPTIONS' && options.cors) return void response.writeHead(204, PREFLIGHT).end();
    const mount = Object.keys(options.mounts ?? {}).find((prefix) => path.startsWith(`${prefix}/`));
    const base = mount ? options.mounts![mount]! : current;
    const relative = mount ? path.slice(mount.length) : path === '/' ? 'index.html' : path;
    const file = normalize(join(base, relative));
    if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return void response.writeHead(404).end();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Length': info.size,
          // The service worker script is fetched fresh, as hosts are told to serve it.
          'Cache-Control':
            path.endsWith('service-worker.js') || path === '/' || path.endsWith('.html')
              ? 'no-cache'
              : 'max-age=0',
          ...(options.isolation === false ? {} : ISOLATION),
          ...(options.cors ? CORS : {}),
        });
        if (request.method === 'HEAD') return void response.end();
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  };

  const start = async () => {
    server = createServer(handler);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    port = (server.address() as AddressInfo).port;
  };
  await start();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requested,
    serve(next) {
      current = next;
    },
    async stop() {
      const closing = server && new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
      server = undefined;
    },
    start,
  };
}
