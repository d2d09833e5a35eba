// `npm run server -- keys create`, and configuration from environment variables and flags.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore } from '../../../server/auth/keys.ts';
import { loadConfig } from '../../../server/config.ts';
import { openDatabase } from '../../../server/store/db.ts';
import { REPO, startTestServer, tempDir } from './helpers.ts';

describe('keys create', () => {
  it('prints a new key once and stores only its hash', () => {
    const dataDir = tempDir('cli');
    const run = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'server/main.ts'), ...args], {
        cwd: REPO,
        env: { ...process.env, HEARTH_DATA_DIR: dataDir },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    const full = run('keys', 'create', '--project', 'demo');
    const read = run('keys', 'create', '--project', 'demo', '--scope', 'adapters:read');
    expect(full).toMatch(/^hk-[A-Za-z0-9_-]{43}$/);
    expect(read).toMatch(/^hk-read-[A-Za-z0-9_-]{43}$/);
    const db = openDatabase(dataDir);
    const keys = new KeyStore(db);
    expect(keys.lookup(full)).toMatchObject({ project: 'demo', scope: 'full' });
    expect(keys.lookup(read)).toMatchObject({ project: 'demo', scope: 'adapters:read' });
    expect(fs.readFileSync(path.join(dataDir, 'hearth.db')).includes(full)).toBe(false);
    db.close();
    expect(() => run('keys', 'create', '--project', 'Bad Name')).toThrow(/Invalid project name/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('loadConfig', () => {
  it('reads the environment, and flags override it', () => {
    const config = loadConfig(
      { PORT: '9000', HEARTH_EXECUTOR: 'slurm', HEARTH_SLURM_GPUS: '2', HEARTH_DATA_DIR: '/tmp/x' },
      ['--port', '9100', '--slurm-partition=gpu'],
    );
    expect(config).toMatchObject({
      port: 9100,
      executor: 'slurm',
      dataDir: '/tmp/x',
      slurm: { gpus: 2, partition: 'gpu' },
    });
  });

  it('refuses an invalid setting with a message naming it', () => {
    expect(() => loadConfig({ HEARTH_EXECUTOR: 'kubernetes' })).toThrow(/executor/);
  });
});

describe('data folder lock', () => {
  it('refuses a second server on the same data folder, and takes over a stale lock', async () => {
    const dataDir = tempDir('lock');
    const first = await startTestServer({ dataDir });
    await expect(startTestServer({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    await first.close();
    fs.writeFileSync(path.join(dataDir, 'server.lock'), '999999999'); // a process that no longer exists
    const second = await startTestServer({ dataDir });
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
