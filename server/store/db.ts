/**
 * Opens the server's SQLite database (WAL mode, so readers never wait for the job runner's writes)
 * and brings its schema up to date.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    project TEXT NOT NULL REFERENCES projects(id),
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX files_by_project ON files(project);
  CREATE INDEX files_by_hash ON files(sha256);
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    model TEXT NOT NULL,
    training_file TEXT NOT NULL,
    validation_file TEXT,
    suffix TEXT,
    adapter_name TEXT NOT NULL,
    seed INTEGER NOT NULL,
    metadata TEXT,
    hyperparameters TEXT NOT NULL,
    error TEXT,
    fine_tuned_model TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    trained_tokens INTEGER,
    executor TEXT NOT NULL,
    handle TEXT,
    log_offset INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX jobs_by_project ON jobs(project);
  CREATE INDEX jobs_by_status ON jobs(status);
  CREATE TABLE job_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    job_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    level TEXT NOT NULL,
    type TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT
  );
  CREATE INDEX job_events_by_job ON job_events(job_id, seq);
  CREATE TABLE job_checkpoints (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    step INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    dir TEXT NOT NULL
  );
  CREATE INDEX job_checkpoints_by_job ON job_checkpoints(job_id, step);
  CREATE TABLE adapter_names (name TEXT PRIMARY KEY, project TEXT NOT NULL);
  CREATE TABLE adapters (
    name TEXT NOT NULL REFERENCES adapter_names(name),
    version INTEGER NOT NULL,
    base_model TEXT NOT NULL,
    peft_config TEXT NOT NULL,
    job_id TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX adapters_by_base ON adapters(base_model, created_at);
  CREATE TABLE adapter_files (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (name, version, file_name)
  );
  CREATE TABLE adapter_grants (
    name TEXT NOT NULL REFERENCES adapter_names(name),
    project TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (name, project)
  );
  CREATE TABLE idempotency (
    project TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project, key)
  );
  `,
  `ALTER TABLE jobs ADD COLUMN estimated_finish INTEGER;`,
  // The key that made a row: a `training` key sees only its own files and jobs.
  `ALTER TABLE jobs ADD COLUMN created_by TEXT;
   ALTER TABLE files ADD COLUMN created_by TEXT;`,
];

export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'hearth.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return db;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
