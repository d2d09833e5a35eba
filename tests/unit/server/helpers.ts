/** Starting test servers on loopback, making datasets, and waiting for jobs. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ServerConfigInput } from '../../../server/config.ts';
import { startServer, type RunningServer } from '../../../server/server.ts';
import type { Scope } from '../../../server/auth/keys.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FAKE_TRAINER = path.join(REPO, 'tests/unit/server/fixtures/fake-trainer.mjs');
export const DEMO_MODEL = 'hearth-demo/tiny-llama-chat';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-`));
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** A full key of project `alpha`. */
  key: string;
  keyFor(project: string, scope?: Scope): string;
  /** Makes the fake trainer behave as `mode` for the jobs that start next. */
  setTrainerMode(mode: 'ok' | 'slow' | 'crash' | 'error' | 'escape'): void;
}

export async function startTestServer(overrides: Partial<ServerConfigInput> = {}): Promise<TestServer> {
  const ownDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? tempDir('data');
  const modeFile = path.join(dataDir, 'fake-trainer-mode');
  process.env.FAKE_TRAINER_MODE_FILE = modeFile;
  const config = loadConfig({}, [], {
    port: 0,
    dataDir,
    trainerCommand: `${process.execPath},${FAKE_TRAINER}`,
    trainerDevice: 'cpu',
    pollIntervalMs: 50,
    ...overrides,
  });
  const server = await startServer(config);
  const keyFor = (project: string, scope: Scope = 'full') => server.services.keys.create(project, scope).key;
  return {
    ...server,
    async close() {
      await server.close();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    dataDir,
    key: keyFor('alpha'),
    keyFor,
    setTrainerMode: (mode) => fs.writeFileSync(modeFile, mode),
  };
}

export function chatLine(i: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are Hearth.' },
      { role: 'user', content: `What is ${i} plus ${i}?` },
      { role: 'assistant', content: `${i} plus ${i} is ${2 * i}.` },
    ],
  });
}

export function chatDataset(examples: number): string {
  return Array.from({ length: examples }, (_, i) => chatLine(i + 1)).join('\n') + '\n';
}

export async function api<T = unknown>(
  server: { url: string },
  key: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(server.url + route, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

export async function uploadText(
  server: { url: string },
  key: string,
  text: string,
  filename = 'train.jsonl',
): Promise<string> {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([text]), filename);
  const response = await fetch(`${server.url}/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  const body = (await response.json()) as { id: string };
  if (response.status !== 200) throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return body.id;
}

export interface JobView {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
  fine_tuned_model: string | null;
}

export async function waitForJob(
  server: { url: string },
  key: string,
  id: string,
  until: (job: JobView) => boolean = (job) => ['succeeded', 'failed', 'cancelled'].includes(job.status),
  timeoutMs = 60_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<JobView>(server, key, 'GET', `/v1/fine_tuning/jobs/${id}`);
    if (until(body)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} stuck in ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Uploads a dataset, runs a job on the fake trainer, and returns the published adapter id. */
export async function trainAdapter(server: TestServer, key: string, suffix: string): Promise<string> {
  server.setTrainerMode('ok');
  const file = await uploadText(server, key, chatDataset(12));
  const { body } = await api<JobView>(server, key, 'POST', '/v1/fine_tuning/jobs', {
    model: DEMO_MODEL,
    training_file: file,
    suffix,
  });
  const job = await waitForJob(server, key, body.id);
  if (job.status !== 'succeeded') throw new Error(`training failed: ${JSON.stringify(job.error)}`);
  return job.fine_tuned_model!;
}

/** PIDs of live (non-zombie) processes whose command line mentions `text`. */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Runs `npm run server` as a separate process (so it can be killed), with the fake trainer. */
export function spawnServer(
  dataDir: string,
  modeFile: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server/main.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: '0',
      HEARTH_DATA_DIR: dataDir,
      HEARTH_API_KEY: 'hk-restart-test-key-0123456789',
      HEARTH_TRAINER_COMMAND: `${process.execPath},${FAKE_TRAINER}`,
      HEARTH_POLL_INTERVAL_MS: '50',
      FAKE_TRAINER_MODE_FILE: modeFile,
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
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}
