/**
 * `npm run bench:server`: the fine-tuning server on loopback, in its own process with authentication on.
 * autocannon (100 connections, 10 s each) against an adapter manifest and an adapter file download, and the
 * time from job creation to `running` on a real one-node SLURM cluster (median of a few jobs).
 * Prints one JSON line. BENCH_DURATION, BENCH_CONNECTIONS, BENCH_SLURM_JOBS shrink it while iterating.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = 'hearth-demo/tiny-llama-chat';
const KEY = 'hk-bench-key-0123456789abcdef0123456789';
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const slurmJobs = Number(process.env.BENCH_SLURM_JOBS ?? 3);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startCluster(dir: string): string | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const out = execFileSync(path.join(REPO, 'scripts/slurm/start.sh'), [dir, '16917', '16918'], {
      encoding: 'utf8',
    });
    return /SLURM_CONF=(\S+)/.exec(out)?.[1] ?? null;
  } catch (error) {
    console.error(
      `bench: no SLURM cluster (${(error as Error).message}); slurm_submit_to_running_ms is null`,
    );
    return null;
  }
}

function startServer(
  dataDir: string,
  slurmConf: string | null,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server/main.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: process.env.BENCH_PORT ?? '0',
      HEARTH_DATA_DIR: dataDir,
      HEARTH_API_KEY: KEY,
      HEARTH_EXECUTOR: slurmConf ? 'slurm' : 'local',
      HEARTH_TRAINER_DEVICE: 'cpu',
      HEARTH_POLL_INTERVAL_MS: '100',
      ...(slurmConf ? { SLURM_CONF: slurmConf } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function call<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function uploadDataset(base: string): Promise<string> {
  const lines = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `What is ${i} plus ${i}?` },
        { role: 'assistant', content: `${i} plus ${i} is ${2 * i}.` },
      ],
    }),
  );
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([lines.join('\n') + '\n']), 'bench.jsonl');
  const response = await fetch(`${base}/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: form,
  });
  return ((await response.json()) as { id: string }).id;
}

/** Creates a job; returns ms from the create request to the first time the job reads `running`, and its adapter. */
async function timedJob(base: string, file: string): Promise<{ toRunningMs: number; adapter: string }> {
  const started = performance.now();
  const job = await call<{ id: string }>(`${base}/v1/fine_tuning/jobs`, 'POST', {
    model: MODEL,
    training_file: file,
    suffix: 'bench',
    method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 1 } } },
  });
  let toRunningMs = Number.NaN;
  for (;;) {
    const current = await call<{ status: string; fine_tuned_model: string | null; error: unknown }>(
      `${base}/v1/fine_tuning/jobs/${job.id}`,
      'GET',
    );
    if (Number.isNaN(toRunningMs) && (current.status === 'running' || current.status === 'succeeded'))
      toRunningMs = performance.now() - started;
    if (current.status === 'succeeded') return { toRunningMs, adapter: current.fine_tuned_model! };
    if (current.status === 'failed' || current.status === 'cancelled')
      throw new Error(`bench job ${current.status}: ${JSON.stringify(current.error)}`);
    await sleep(20);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function load(url: string) {
  const result = await autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${KEY}` },
  });
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-server-'));
  fs.chmodSync(work, 0o755); // munged needs every folder above its socket to be world-searchable
  const slurmConf = startCluster(path.join(work, 'slurm'));
  const server = await startServer(path.join(work, 'data'), slurmConf);
  try {
    const file = await uploadDataset(server.url);
    const samples: number[] = [];
    let adapter = '';
    for (let i = 0; i < Math.max(1, slurmJobs); i++) {
      const job = await timedJob(server.url, file);
      samples.push(job.toRunningMs);
      adapter = job.adapter;
    }
    const manifest = await load(`${server.url}/v1/adapters/${adapter}`);
    const download = await load(`${server.url}/v1/adapters/${adapter}/files/adapter_model.safetensors`);
    console.log(
      JSON.stringify({
        bench: 'server',
        manifest_rps: manifest.rps,
        manifest_p99_ms: manifest.p99,
        download_rps: download.rps,
        download_p99_ms: download.p99,
        errors: manifest.errors + download.errors,
        slurm_submit_to_running_ms: slurmConf ? Math.round(median(samples)) : null,
      }),
    );
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    if (slurmConf) execFileSync(path.join(REPO, 'scripts/slurm/stop.sh'), [path.join(work, 'slurm')]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
