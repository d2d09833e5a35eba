/**
 * `npm run server` starts the fine-tuning API; `npm run server -- keys create --project NAME [--scope training|adapters:read]`
 * prints a new API key. Settings come from the environment (PORT, HEARTH_DATA_DIR, HEARTH_EXECUTOR, ...) or flags.
 */
import { SCOPES, type Scope } from './auth/keys.ts';
import { KeyStore } from './auth/keys.ts';
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';
import { openDatabase } from './store/db.ts';
import { isHearthError } from '../src/core/errors.ts';

function takeFlag(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const [, value] = args.splice(index, 2);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  if (args[0] === 'keys') {
    if (args[1] !== 'create')
      throw new Error('usage: keys create --project NAME [--scope full|training|adapters:read]');
    const project = takeFlag(args, 'project');
    const scope = (takeFlag(args, 'scope') ?? 'full') as Scope;
    if (!project) throw new Error('keys create needs --project NAME');
    if (!SCOPES.includes(scope)) throw new Error(`--scope must be one of ${SCOPES.join(', ')}`);
    const config = loadConfig(process.env, args.slice(2));
    const db = openDatabase(config.dataDir);
    const { key } = new KeyStore(db).create(project, scope);
    db.close();
    console.error(`hearth: new ${scope} key for project '${project}' (shown once; store it now):`);
    console.log(key);
    return;
  }
  const config = loadConfig(process.env, args);
  const server = await startServer(config);
  // A server started for use validates the first file or job soon: load the validation worker now, off the
  // request path. (Servers started by tests leave it to the first validation.)
  server.services.reports.warm();
  console.log(
    `hearth: fine-tuning API on ${server.url} (executor: ${config.executor}, data: ${config.dataDir})`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(
    `hearth: ${isHearthError(error) ? `${error.code}: ${error.message}` : (error as Error).message}`,
  );
  process.exit(1);
});
