/**
 * One server per data folder: two job runners on the same jobs would submit and settle them twice.
 * The lock is an OS file lock that SQLite takes on `server.lock.db` (an exclusive transaction held for the
 * server's life), so the kernel releases it the moment its holder dies — kill -9 included — and no PID is ever
 * trusted: a PID can belong to a dead server not yet reaped, or, in a container, to an unrelated live process.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { serverError } from '../errors.ts';

export function lockDataDir(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'server.lock.db');
  const pidPath = path.join(dataDir, 'server.pid'); // only for the message: who held it last
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    let owner = '';
    try {
      owner = ` (PID ${fs.readFileSync(pidPath, 'utf8').trim().slice(0, 12)})`;
    } catch {
      // no PID recorded
    }
    throw serverError(
      'DATA_DIR_IN_USE',
      `Another Hearth server${owner} uses ${dataDir}; stop it or choose another HEARTH_DATA_DIR.`,
    );
  }
  fs.writeFileSync(pidPath, String(process.pid));
  return {
    release: () => {
      if (!db.open) return;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
