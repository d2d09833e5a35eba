import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  url: string;
  /** Requests that came through: method, JSON-RPC method of a POST, and any Last-Event-ID. */
  seen: Array<{ method: string; rpc?: string; lastEventId?: string; at: number }>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of an MCP server that drops one response stream mid-way: the first
 * response to a POST whose body contains `cutRequest` is cut (the socket destroyed) right after the
 * first chunk containing `cutAfter` has been passed on. The server itself stays up, as when a
 * network or a load balancer drops a long-lived connection.
 */
export async function startCuttingProxy(
  target: string,
  cutRequest: string,
  cutAfter: string,
  /** Response headers to leave out (the page proxy drops COOP/COEP to serve a page without isolation). */
  options: { dropResponseHeaders?: string[] } = {},
): Promise<CuttingProxy> {
  const upstream = new URL(target);
  const seen: CuttingProxy['seen'] = [];
  let cut = false;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const rpc = /"method"\s*:\s*"([^"]+)"/.exec(body.toString())?.[1];
    const lastEventId = req.headers['last-event-id'];
    seen.push({
      at: Date.now(),
      method: req.method ?? '',
      ...(rpc ? { rpc } : {}),
      ...(lastEventId ? { lastEventId: String(lastEventId) } : {}),
    });
    const cutThis = !cut && req.method === 'POST' && body.toString().includes(cutRequest);
    if (cutThis) cut = true;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        for (const name of options.dropResponseHeaders ?? []) delete headers[name];
        res.writeHead(answer.statusCode ?? 502, headers);
        // An event stream may send nothing for a while: its headers go now (Node holds them until the first write).
        res.flushHeaders();
        answer.on('data', (chunk: Buffer) => {
          if (res.destroyed) return;
          res.write(chunk);
          if (cutThis && chunk.toString().includes(cutAfter)) {
            res.destroy();
            answer.destroy();
          }
        });
        answer.on('end', () => res.end());
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
