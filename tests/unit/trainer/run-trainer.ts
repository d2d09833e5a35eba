/**
 * Spawns the real trainer (or one of its Python helpers) with Debian's PyTorch and collects its stdout protocol.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const PYTHON = process.env.HEARTH_PYTHON ?? '/usr/bin/python3';
export const TINY_MODEL = path.join(ROOT, 'public/models/hearth-demo/tiny-llama-chat/resolve/main');
export const DATA = path.join(import.meta.dirname, 'data');

export type TrainerEvent =
  | { type: 'progress'; step: number; total_steps: number; epoch: number; loss: number; tokens_per_s: number }
  | { type: 'checkpoint'; step: number; dir: string; valid_loss?: number }
  | { type: 'done'; adapter_dir: string; metrics: Record<string, number | string> }
  | { type: 'error'; code: string; message: string }
  | { type: 'probe'; file: string };

export interface RunResult {
  code: number | null;
  events: TrainerEvent[];
  stdout: string;
  stderr: string;
  ms: number;
}

export function runPython(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as TrainerEvent);
      resolve({ code, events, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export interface TrainOptions {
  out: string;
  seed?: number;
  epochs?: number;
  extra?: string[];
  env?: Record<string, string>;
}

/** The server's exact command line, on the tiny demo model, on the CPU. */
export function train(o: TrainOptions): Promise<RunResult> {
  return runPython(
    'trainer/train.py',
    [
      '--base-model-dir',
      TINY_MODEL,
      '--train-file',
      path.join(DATA, 'pirate.jsonl'),
      '--validation-file',
      path.join(DATA, 'pirate-valid.jsonl'),
      '--output-dir',
      o.out,
      '--n-epochs',
      String(o.epochs ?? 4),
      '--batch-size',
      '4',
      '--learning-rate',
      '0.02',
      '--lora-r',
      '8',
      '--lora-alpha',
      '16',
      '--lora-dropout',
      '0.05',
      '--target-modules',
      'q_proj,v_proj',
      '--seed',
      String(o.seed ?? 7),
      '--device',
      'cpu',
      ...(o.extra ?? []),
    ],
    { HEARTH_TRAINER_BACKEND: 'builtin', ...o.env },
  );
}

/** A TCP port the OS reports free now, for the ranks' rendezvous (torchrun's MASTER_PORT). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `world` trainer processes with the environment torchrun gives each (gloo on the CPU), all into `o.out`. */
export async function trainRanks(world: number, o: TrainOptions): Promise<RunResult[]> {
  const port = String(await freePort());
  return Promise.all(
    Array.from({ length: world }, (_, rank) =>
      train({
        ...o,
        env: {
          ...o.env,
          WORLD_SIZE: String(world),
          RANK: String(rank),
          LOCAL_RANK: String(rank),
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: port,
        },
      }),
    ),
  );
}

export interface TensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The safetensors header (8-byte little-endian length, then JSON), checked against the file size. */
export function safetensorsHeader(file: string): Record<string, TensorInfo> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, TensorInfo>;
  delete header['__metadata__'];
  const dataBytes = bytes.length - 8 - n;
  const end = Math.max(...Object.values(header).map((t) => t.data_offsets[1]));
  if (end !== dataBytes) throw new Error(`data section is ${dataBytes} bytes, tensors end at ${end}`);
  return header;
}

export function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
}
