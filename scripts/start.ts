/**
 * `npm start`: the app (Vite, http://127.0.0.1:5173) with the embedded fine-tuning server beside it
 * (http://127.0.0.1:8787, local executor, data in .hearth-data/). The page is given a `training` key (its own
 * uploads and jobs, the project's adapters), never a full one; create full keys with `npm run server -- keys create`.
 * The demo model's fixture adapter is published at start, so a new user can sync it and see the answer change.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';
import { KeyStore } from '../server/auth/keys.ts';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { openDatabase } from '../server/store/db.ts';
import { DEMO_MODEL, DEMO_PROJECT, publishDemoAdapter } from './demo-seed.ts';

// One conversation sent from the app is a whole training file here (a real deployment keeps 10).
const config = loadConfig({ HEARTH_MIN_TRAINING_EXAMPLES: '1', ...process.env }, []);

/** One browser key per data folder, kept beside the database so restarts keep working pages. */
function browserKey(): string {
  const file = join(config.dataDir, 'browser-training-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(config.dataDir);
  const { key } = new KeyStore(db).create(DEMO_PROJECT, 'training');
  db.close();
  writeFileSync(file, `${key}\n`);
  chmodSync(file, 0o600);
  return key;
}

const key = browserKey();
process.env.VITE_HEARTH_BROWSER_KEY = key;
const api = await startServer(config);
const demo = await publishDemoAdapter(api.services);
process.env.VITE_HEARTH_API_BASE = api.url;
const app = await createServer({ server: { port: Number(process.env.PORT_APP ?? 5173), strictPort: true } });
await app.listen();
console.log(`hearth: app on ${app.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'}`);
console.log(`hearth: fine-tuning API on ${api.url} (executor: ${config.executor}, data: ${config.dataDir})`);
console.log(`hearth: browser training key (the app has it already; Adapters > Settings): ${key}`);
console.log(`hearth: published ${demo.id} for ${DEMO_MODEL}: sync it in Adapters and pick it for a chat`);

const stop = () => void Promise.all([app.close(), api.close()]).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
