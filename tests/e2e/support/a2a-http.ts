import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, NextFunction, Request, Response } from 'express';

/** What a server must send for a page on another origin (the test page) to talk A2A to it. */
export function allowCors(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, A2A-Version, A2A-Extensions, Authorization');
  res.status(204).end();
}

export interface Listening {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Listens on an OS-chosen loopback port; `close` also ends open streams. */
export async function listen(app: Express): Promise<Listening> {
  // Express prints the stack of every error it answers (a 413, say) unless told it runs under test.
  app.set('env', 'test');
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback address nothing listens on (bound, then released). */
export async function closedPortUrl(app: Express): Promise<string> {
  const listening = await listen(app);
  await listening.close();
  return listening.url;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
