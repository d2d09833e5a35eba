/** Everything a running server holds, built from its configuration. */
import { BlobStore } from './artifacts/blob-store.ts';
import { KeyStore } from './auth/keys.ts';
import type { ServerConfig } from './config.ts';
import { REPO_ROOT } from './config.ts';
import { LocalExecutor } from './executors/local.ts';
import { SlurmExecutor } from './executors/slurm.ts';
import type { Executor } from './executors/types.ts';
import { DatasetReports } from './datasets/report-cache.ts';
import { JobRunner } from './jobs/runner.ts';
import { ModelCatalog } from './models/catalog.ts';
import { AdapterStore } from './store/adapters.ts';
import type { Db } from './store/db.ts';
import { openDatabase } from './store/db.ts';
import { EventStore } from './store/events.ts';
import { FileStore } from './store/files.ts';
import { JobStore } from './store/jobs.ts';

export interface Services {
  config: ServerConfig;
  db: Db;
  keys: KeyStore;
  files: FileStore;
  jobs: JobStore;
  events: EventStore;
  adapters: AdapterStore;
  blobs: BlobStore;
  catalog: ModelCatalog;
  reports: DatasetReports;
  executor: Executor;
  runner: JobRunner;
}

export function createExecutor(config: ServerConfig): Executor {
  return config.executor === 'slurm' ? new SlurmExecutor(config.slurm, REPO_ROOT) : new LocalExecutor();
}

export function createServices(config: ServerConfig, executor: Executor = createExecutor(config)): Services {
  const db = openDatabase(config.dataDir);
  const keys = new KeyStore(db);
  if (config.seedApiKey) keys.seed('default', config.seedApiKey, 'full');
  const base = {
    config,
    db,
    keys,
    files: new FileStore(db),
    jobs: new JobStore(db),
    events: new EventStore(db),
    adapters: new AdapterStore(db),
    blobs: new BlobStore(config.dataDir),
    catalog: new ModelCatalog(config.modelsDir),
    reports: new DatasetReports(),
    executor,
  };
  const referenced = db.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM files WHERE sha256 = ?) OR EXISTS (SELECT 1 FROM adapter_files WHERE sha256 = ?)',
  );
  const orphans = base.blobs.reclaimOrphans((sha256) => referenced.get(sha256, sha256) !== undefined);
  if (orphans) console.log(`hearth: removed ${orphans} stored file(s) that no record refers to`);
  return { ...base, runner: new JobRunner(base) };
}
