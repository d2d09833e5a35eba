/**
 * One server per data folder: two job runners on the same jobs would submit and settle them twice.
 * The lock is a file holding the owner's PID; a lock left by a process that died (a crash, kill -9) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HearthError } from '../../src/core/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return {
        release: () => {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid))
            fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner))
        throw new HearthError(
          'DATA_DIR_IN_USE',
          `Another Hearth server (PID ${owner}) uses ${dataDir}; stop it or choose another HEARTH_DATA_DIR.`,
        );
      fs.rmSync(lockPath, { force: true }); // stale: its owner is gone
    }
  }
  throw new HearthError('DATA_DIR_IN_USE', `Could not lock ${dataDir}; retry.`);
}
