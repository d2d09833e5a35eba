/**
 * Runs the trainer as a SLURM batch job: `sbatch` with the resources from config, `squeue`, then `scontrol`,
 * then `sacct -c` (the job-completion log, which works without an accounting database) for its state, and
 * `scancel` to cancel. The run folder must be on a file system the compute nodes share with the server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { serverError } from '../errors.ts';
import type { ServerConfig } from '../config.ts';
import type { Executor, ExecutorState, TrainerRun } from './types.ts';

const run = promisify(execFile);

export type SlurmResources = ServerConfig['slurm'];

const PENDING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'RESIZING', 'SUSPENDED']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING']);

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** With more than one GPU, Python trainers start through torchrun, one process per GPU. */
function launchArgv(argv: string[], gpus: number): string[] {
  const [program, script, ...rest] = argv;
  if (gpus > 1 && program && /python3?$/.test(program) && script?.endsWith('.py'))
    return [
      program,
      '-m',
      'torch.distributed.run',
      '--standalone',
      `--nproc_per_node=${gpus}`,
      script,
      ...rest,
    ];
  return argv;
}

export function batchScript(trainerRun: TrainerRun, resources: SlurmResources, workDir: string): string {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=hearth-${trainerRun.jobId}`,
    `#SBATCH --output=${trainerRun.stdoutPath}`,
    `#SBATCH --error=${trainerRun.stderrPath}`,
    `#SBATCH --chdir=${workDir}`,
    '#SBATCH --nodes=1',
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${resources.cpusPerTask}`,
    `#SBATCH --mem=${resources.memory}`,
    `#SBATCH --time=${resources.timeLimit}`,
  ];
  if (resources.partition) lines.push(`#SBATCH --partition=${resources.partition}`);
  if (resources.gpus > 0) lines.push(`#SBATCH --gres=gpu:${resources.gpus}`);
  for (const extra of resources.extraArgs) if (extra) lines.push(`#SBATCH ${extra}`);
  lines.push('', `exec ${launchArgv(trainerRun.argv, resources.gpus).map(shellQuote).join(' ')}`, '');
  return lines.join('\n');
}

/** `3:0` -> 3; a job killed by a signal (`0:9`) has no exit code. */
const parseExitCode = (text: string | undefined): number | null => {
  const [code, signal] = (text ?? '').split(':').map(Number);
  if (signal) return null;
  return Number.isInteger(code) ? code! : null;
};

export class SlurmExecutor implements Executor {
  readonly kind = 'slurm' as const;
  readonly maxConcurrent = Number.POSITIVE_INFINITY;

  constructor(
    private readonly resources: SlurmResources,
    private readonly workDir: string,
  ) {}

  async submit(trainerRun: TrainerRun): Promise<string> {
    const scriptPath = path.join(trainerRun.runDir, 'job.sbatch');
    fs.writeFileSync(scriptPath, batchScript(trainerRun, this.resources, this.workDir), { mode: 0o755 });
    try {
      const { stdout } = await run('sbatch', ['--parsable', scriptPath]);
      const id = stdout.trim().split(';')[0]!;
      if (!/^\d+$/.test(id)) throw new Error(`unexpected sbatch output: ${stdout.trim()}`);
      return id;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw serverError(
        'executor_submit_failed',
        `SLURM refused the job: ${stderr || (error as Error).message}. Check the HEARTH_SLURM_* settings.`,
      );
    }
  }

  async poll(handle: string): Promise<ExecutorState> {
    const state: [string, string?, string?] | null =
      (await this.squeue(handle)) ?? (await this.scontrol(handle)) ?? (await this.sacct(handle));
    if (!state) return { state: 'lost', reason: `SLURM no longer knows job ${handle}.` };
    const [name, exit, why] = state;
    // squeue says `None` until the scheduler has looked at a job: only a real reason is worth reporting.
    if (PENDING.has(name))
      return why ? { state: 'pending', reason: `${name} (${why})` } : { state: 'pending' };
    if (RUNNING.has(name)) return { state: 'running' };
    if (name.startsWith('CANCELLED')) return { state: 'cancelled' };
    if (name === 'COMPLETED') return { state: 'exited', exitCode: parseExitCode(exit) ?? 0 };
    return {
      state: 'exited',
      exitCode: parseExitCode(exit),
      detail: `SLURM job ${handle} ended in state ${name}`,
    };
  }

  async cancel(handle: string): Promise<void> {
    await run('scancel', [handle]).catch(() => undefined);
  }

  private async squeue(id: string): Promise<[string, string?, string?] | null> {
    const out = await run('squeue', ['-h', '-j', id, '-o', '%T|%r']).catch(() => null);
    const [name, reason] = (out?.stdout.trim() ?? '').split('|');
    // A finished job's exit code is not in squeue's output: ask scontrol for final states.
    if (!name || !(PENDING.has(name) || RUNNING.has(name))) return null;
    return [name, undefined, reason && reason !== 'None' ? reason : undefined];
  }

  private async scontrol(id: string): Promise<[string, string?] | null> {
    const out = await run('scontrol', ['show', 'job', id, '-o']).catch(() => null);
    const text = out?.stdout ?? '';
    const state = /JobState=(\S+)/.exec(text)?.[1];
    return state ? [state, /ExitCode=(\S+)/.exec(text)?.[1]] : null;
  }

  private async sacct(id: string): Promise<[string, string?] | null> {
    const out = await run('sacct', ['-c', '-j', id, '-n', '-P', '-o', 'JobID,State,ExitCode']).catch(
      () => null,
    );
    const line = out?.stdout.split('\n').find((row) => row.split('|')[0] === id);
    if (!line) return null;
    const [, state, exit] = line.split('|');
    return state ? [state.split(' ')[0]!, exit] : null;
  }
}
