/**
 * Runs the trainer as a child process on this machine. The child is detached (its own process group) with its
 * output going to files, not pipes, so it survives a server restart; a small shell wrapper records its exit
 * status in `exit_code`, which a restarted server reads to learn how the run ended.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor, ExecutorState, TrainerRun } from './types.ts';

const WRAPPER =
  '"$@" >"$HEARTH_STDOUT" 2>"$HEARTH_STDERR"; echo $? >"$HEARTH_EXIT.tmp" && mv "$HEARTH_EXIT.tmp" "$HEARTH_EXIT"';

const exitPath = (run: TrainerRun) => path.join(run.runDir, 'exit_code');

function isAlive(pid: number, run: TrainerRun): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Guard against a reused PID after a reboot: the wrapper's command line names this run's folder.
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(run.runDir);
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  readonly maxConcurrent = 1;

  async submit(run: TrainerRun): Promise<string> {
    fs.rmSync(exitPath(run), { force: true });
    const child = spawn('/bin/sh', ['-c', WRAPPER, path.join(run.runDir, 'trainer'), ...run.argv], {
      cwd: run.runDir,
      detached: true,
      stdio: 'ignore',
      env: {
        ...process.env,
        HEARTH_STDOUT: run.stdoutPath,
        HEARTH_STDERR: run.stderrPath,
        HEARTH_EXIT: exitPath(run),
      },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    child.unref();
    return String(pid);
  }

  async poll(handle: string, run: TrainerRun): Promise<ExecutorState> {
    const exit = readExitCode(run);
    if (exit !== undefined) return { state: 'exited', exitCode: exit };
    if (isAlive(Number(handle), run)) return { state: 'running' };
    // The wrapper may have written the file between the two checks.
    const late = readExitCode(run);
    if (late !== undefined) return { state: 'exited', exitCode: late };
    return {
      state: 'lost',
      reason: 'The trainer process ended without recording an exit status (it was killed).',
    };
  }

  async cancel(handle: string, run: TrainerRun): Promise<void> {
    const pid = Number(handle);
    if (!isAlive(pid, run)) return;
    signalGroup(pid, 'SIGTERM');
    for (let waited = 0; waited < 5000 && isAlive(pid, run); waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid, run)) signalGroup(pid, 'SIGKILL');
  }
}

function readExitCode(run: TrainerRun): number | null | undefined {
  try {
    const text = fs.readFileSync(exitPath(run), 'utf8').trim();
    const code = Number(text);
    return Number.isInteger(code) ? code : null;
  } catch {
    return undefined;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
