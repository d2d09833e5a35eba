// The data-folder lock is released by the kernel when its holder dies, and never trusts a PID.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnServer, startTestServer, tempDir } from './helpers.ts';

describe('data-folder lock', () => {
  it('refuses a second server on the same folder while the first runs', async () => {
    const dataDir = tempDir('lock-busy');
    const first = await startTestServer({ dataDir });
    try {
      await expect(startTestServer({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    } finally {
      await first.close();
    }
    const again = await startTestServer({ dataDir }); // released on close
    await again.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets a server restarted at once after kill -9 start', async () => {
    const dataDir = tempDir('lock-kill');
    const mode = path.join(dataDir, 'mode');
    const first = await spawnServer(dataDir, mode);
    // No wait for the exit: the dead server may not be reaped yet when the next one starts.
    first.child.kill('SIGKILL');
    const second = await spawnServer(dataDir, mode);
    second.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not blocked by a stale lock file naming a live unrelated process', async () => {
    const dataDir = tempDir('lock-stale');
    fs.writeFileSync(path.join(dataDir, 'server.lock'), String(process.ppid)); // alive, and not a server
    fs.writeFileSync(path.join(dataDir, 'server.pid'), String(process.ppid));
    const server = await startTestServer({ dataDir });
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
