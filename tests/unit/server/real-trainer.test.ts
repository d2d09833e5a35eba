// End to end: dataset -> job -> the real trainer (trainer/train.py, PyTorch on CPU) trains the bundled demo
// model -> the adapter is published and every file checks out -> a browser key syncs it into the ORT engine,
// whose logits with the adapter match the trainer's own reference. Runs on the local executor and on a real
// one-node SLURM cluster.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterManifestSchema, type AdapterManifest } from '../../../src/core/adapter-manifest.ts';
import {
  api,
  chatDataset,
  DEMO_MODEL,
  REPO,
  startTestServer,
  uploadText,
  waitForJob,
  type JobView,
  type TestServer,
} from './helpers.ts';
import { slurmAvailable, startCluster, type Cluster } from './slurm-cluster.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { MemoryStore } from '../../../src/models/storage/memory-store.ts';
import { AdapterSync } from '../../../src/sync/index.ts';
import { firstTokenProbe } from '../../support/first-token-logits.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';

const TRAINER = path.join(REPO, 'trainer/train.py');
const BASE_WEIGHTS = path.join(REPO, 'public/models', DEMO_MODEL, 'resolve/main/model.safetensors');
const trainerReady =
  fs.existsSync(TRAINER) && fs.existsSync(BASE_WEIGHTS) && fs.existsSync('/usr/bin/python3');
if (!trainerReady)
  console.warn(
    'skipping the real-trainer tests: trainer/train.py, the demo model weights or /usr/bin/python3 is missing',
  );
const slurm = slurmAvailable();

async function trainAndVerify(server: TestServer, suffix: string): Promise<AdapterManifest> {
  const file = await uploadText(server, server.key, chatDataset(12));
  const { body } = await api<JobView>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
    model: DEMO_MODEL,
    training_file: file,
    suffix,
    seed: 3,
    method: {
      type: 'supervised',
      supervised: { hyperparameters: { n_epochs: 1, batch_size: 4, lora_r: 4, lora_alpha: 8 } },
    },
  });
  const job = await waitForJob(server, server.key, body.id, undefined, 240_000);
  expect(job.error).toBeNull();
  expect(job.status).toBe('succeeded');
  const manifest = adapterManifestSchema.parse(
    (await api(server, server.key, 'GET', `/v1/adapters/${job.fine_tuned_model}`)).body,
  );
  expect(manifest).toMatchObject({
    base_model: DEMO_MODEL,
    peft_config: { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] },
  });
  expect(manifest.files.map((entry) => entry.name)).toEqual(
    expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']),
  );
  for (const entry of manifest.files) {
    const response = await fetch(`${server.url}/v1/adapters/${manifest.id}/files/${entry.name}`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
  }
  const events = await api<{ data: Array<{ type: string; data: { train_loss: number } }> }>(
    server,
    server.key,
    'GET',
    `/v1/fine_tuning/jobs/${job.id}/events?limit=100`,
  );
  const losses = events.body.data
    .filter((event) => event.type === 'metrics')
    .map((event) => event.data.train_loss);
  expect(losses).toHaveLength(3); // 12 examples / batch 4, one epoch
  expect(losses.every(Number.isFinite)).toBe(true);
  await syncIntoEngineAndCompare(server, manifest.id);
  return manifest;
}

const probe = firstTokenProbe();
let engine: OrtChatEngine | undefined;

interface TrainerReference {
  adapter: { logits: number[][] };
  base: { logits: number[][] };
}

/** What a browser does: sync with a read-only key into the engine, then chat with the adapter. */
async function syncIntoEngineAndCompare(server: TestServer, ref: string): Promise<void> {
  engine ??= await loadOrtChatEngine(fsModelFiles(DEMO_MODEL), {
    device: 'wasm',
    dtype: 'fp32',
    threads: 1,
    hooks: probe.hooks,
  });
  const loaded = engine;
  let reference: TrainerReference | undefined;
  const sync = await AdapterSync.open({
    baseUrl: server.url,
    apiKey: server.keyFor('alpha', 'adapters:read'),
    baseModel: DEMO_MODEL,
    store: new MemoryStore(),
    includeReference: true,
    host: {
      load: async (adapterRef, files) => {
        reference = files.reference as TrainerReference;
        return loaded.adapters.load(adapterRef, files);
      },
    },
  });
  const report = await sync.sync();
  expect(report.failed).toEqual([]);
  expect(reference, 'the trainer publishes reference_logits.json').toBeDefined();
  const question = [{ role: 'user' as const, content: 'What is Hearth?' }];
  const adapted = Array.from(await probe.logitsFor(loaded, question, ref));
  const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
  expect(diff(adapted, reference!.adapter.logits[0]!)).toBeLessThan(1e-4);
  expect(diff(adapted, reference!.base.logits[0]!)).toBeGreaterThan(1e-3);
}

afterAll(async () => {
  await engine?.unload();
});

describe.skipIf(!trainerReady)('real trainer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      trainerCommand: `/usr/bin/python3,${TRAINER}`,
      trainerDevice: 'cpu',
      pollIntervalMs: 100,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('trains the demo model on the local executor and publishes a PEFT adapter', async () => {
    await trainAndVerify(server, 'real-local');
  }, 300_000);
});

describe.skipIf(!trainerReady || !slurm.ok)('real trainer on SLURM', () => {
  let cluster: Cluster;
  let server: TestServer;
  const previousConf = process.env.SLURM_CONF;
  beforeAll(async () => {
    cluster = await startCluster();
    process.env.SLURM_CONF = cluster.conf;
    server = await startTestServer({
      executor: 'slurm',
      trainerCommand: `/usr/bin/python3,${TRAINER}`,
      trainerDevice: 'cpu',
      pollIntervalMs: 100,
      slurm: { cpusPerTask: 1, memory: '2G', timeLimit: '00:10:00' },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    cluster?.stop();
    if (previousConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = previousConf;
  }, 60_000);

  it('trains the demo model through sbatch and publishes a PEFT adapter', async () => {
    await trainAndVerify(server, 'real-slurm');
  }, 300_000);
});
