/** Starts and stops a private one-node SLURM cluster (scripts/slurm/) for tests. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO, tempDir } from './helpers.ts';

export function slurmAvailable(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'a private SLURM cluster needs root' };
  try {
    execFileSync(
      'sh',
      ['-c', 'command -v slurmctld && command -v slurmd && command -v munged && command -v sbatch'],
      { stdio: 'ignore' },
    );
    return { ok: true, why: '' };
  } catch {
    return { ok: false, why: 'SLURM is not installed (run scripts/bootstrap.sh)' };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Cluster {
  dir: string;
  conf: string;
  stop(): void;
}

export async function startCluster(): Promise<Cluster> {
  const dir = tempDir('slurm');
  const [ctld, slurmd] = [await freePort(), await freePort()];
  const out = execFileSync(path.join(REPO, 'scripts/slurm/start.sh'), [dir, String(ctld), String(slurmd)], {
    encoding: 'utf8',
  });
  const conf = /SLURM_CONF=(\S+)/.exec(out)![1]!;
  return {
    dir,
    conf,
    stop: () => {
      execFileSync(path.join(REPO, 'scripts/slurm/stop.sh'), [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sacctState(conf: string, jobId: string): string {
  const out = execFileSync('sacct', ['-c', '-j', jobId, '-n', '-P', '-o', 'JobID,State,ExitCode'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF: conf },
  });
  return out.split('\n').find((line) => line.startsWith(`${jobId}|`)) ?? '';
}
