import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import { startServer, type RunningServer } from '../../../server/server.ts';
import { DEMO_PROJECT, publishDemoAdapter } from '../../../scripts/demo-seed.ts';

export interface FineTuningServer {
  url: string;
  /** A `training` key of the demo project, as `npm start` hands the page. */
  key: string;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * The fine-tuning server as `npm start` runs it, on loopback in this process: the local executor with the
 * real PyTorch trainer (one example is enough to train), the demo adapter published, CORS for `origin`.
 */
export async function startFineTuningServer(origin: string): Promise<FineTuningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-tuning-'));
  const server = await startServer(
    loadConfig({}, [], {
      port: 0,
      dataDir,
      corsOrigins: origin,
      minTrainingExamples: 1,
      trainerDevice: 'cpu',
      pollIntervalMs: 100,
    }),
  );
  await publishDemoAdapter(server.services);
  return {
    url: server.url,
    key: server.services.keys.create(DEMO_PROJECT, 'training').key,
    server,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
