/** Starts the API and the job runner; stops both cleanly. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { ServerConfig } from './config.ts';
import type { Executor } from './executors/types.ts';
import { createServices, type Services } from './services.ts';
import { lockDataDir } from './store/data-lock.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

export async function startServer(
  config: ServerConfig,
  options: { executor?: Executor; logger?: boolean } = {},
): Promise<RunningServer> {
  const lock = lockDataDir(config.dataDir);
  let services: Services;
  let app: FastifyInstance;
  try {
    services = createServices(config, options.executor);
    app = await buildApp(services, { logger: options.logger });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    lock.release();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.runner.start();
  return {
    url: `http://${config.host}:${port}`,
    app,
    services,
    async close() {
      await services.runner.stop();
      await app.close();
      await services.reports.close();
      services.db.close();
      lock.release();
    },
  };
}
