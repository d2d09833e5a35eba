/**
 * The whole loop on one machine: consented conversations -> feedback upload -> fine-tuning job on the local
 * executor -> the real trainer on the tiny demo model -> adapter published -> a browser key syncs it -> the
 * engine receives verified files -> its logits with the adapter (and independent PyTorch logits of the same files)
 * equal the trainer's reference.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/models/storage/memory-store.ts';
import {
  AdapterSync,
  conversationToDatasetLine,
  uploadFeedback,
  type AdapterFiles,
} from '../../../src/sync/index.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { firstTokenProbe } from '../../support/first-token-logits.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { api, startTestServer, waitForJob, type JobView, type TestServer } from '../server/helpers.ts';
import { DATA, PYTHON, ROOT, TINY_MODEL, maxAbsDiff, runPython } from '../trainer/run-trainer.ts';
import { BASE_MODEL, sha256 } from './helpers.ts';

const probe = firstTokenProbe();

let server: TestServer;
let engine: OrtChatEngine;
beforeAll(async () => {
  server = await startTestServer({
    trainerCommand: `${PYTHON},${path.join(ROOT, 'trainer/train.py')}`,
    baseLearningRate: 1e-3,
  });
  engine = await loadOrtChatEngine(fsModelFiles(BASE_MODEL), {
    device: 'wasm',
    dtype: 'fp32',
    threads: 1,
    hooks: probe.hooks,
  });
});
afterAll(async () => {
  await engine?.unload();
  await server?.close();
});

const question = [{ role: 'user' as const, content: 'What is Hearth?' }];

interface Reference {
  adapter: { logits: number[][]; tokens: number[] };
  base: { logits: number[][] };
}

describe('feedback -> training -> adapter in the browser', () => {
  it('trains on uploaded feedback and syncs an adapter that matches the trainer’s reference', async () => {
    const lines = readFileSync(path.join(DATA, 'pirate.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((row) =>
        conversationToDatasetLine({ ...(JSON.parse(row) as { messages: unknown[] }), consent: true }),
      );
    const file = await uploadFeedback({ baseUrl: server.url, apiKey: server.key, lines });
    const created = await api<JobView>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: BASE_MODEL,
      training_file: file.id,
      suffix: 'pirate-feedback',
      seed: 5,
      method: {
        type: 'supervised',
        supervised: { hyperparameters: { n_epochs: 3, batch_size: 4, learning_rate_multiplier: 10 } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const job = await waitForJob(server, server.key, created.body.id, undefined, 120_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.fine_tuned_model).toBe('pirate-feedback@1');

    const received: { ref: string; files: AdapterFiles }[] = [];
    const sync = await AdapterSync.open({
      baseUrl: server.url,
      apiKey: server.keyFor('alpha', 'adapters:read'),
      baseModel: BASE_MODEL,
      store: new MemoryStore(),
      includeReference: true,
      host: {
        load: async (ref, files) => {
          received.push({ ref, files });
          return engine.adapters.load(ref, files);
        },
      },
    });
    const report = await sync.sync();
    expect(report).toMatchObject({
      offline: false,
      current: { 'pirate-feedback': 'pirate-feedback@1' },
      failed: [],
    });
    expect(received.map((r) => r.ref)).toEqual(['pirate-feedback@1']);
    const { files } = received[0]!;
    const manifest = (await sync.list())[0]!;
    expect(sha256(files.weights)).toBe(
      manifest.files.find((f) => f.name === 'adapter_model.safetensors')!.sha256,
    );
    expect(files.config).toMatchObject({ peft_type: 'LORA', base_model_name_or_path: BASE_MODEL });

    // What the browser received, checked by code that shares nothing with the trainer.
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-synced-'));
    writeFileSync(path.join(dir, 'adapter_model.safetensors'), files.weights);
    writeFileSync(path.join(dir, 'adapter_config.json'), JSON.stringify(files.config));
    writeFileSync(path.join(dir, 'reference_logits.json'), JSON.stringify(files.reference));
    const run = await runPython('tests/unit/trainer/helpers/independent_logits.py', [TINY_MODEL, dir]);
    expect(run.code, run.stderr).toBe(0);
    const independent = JSON.parse(run.stdout) as Reference;
    const reference = files.reference as Reference;
    // 1e-4 here and below: float32 against float32 on the tiny decoder, valid on any x86-64 CPU (see
    // tests/unit/llm/ort-parity.test.ts); the adapter moves the logits by more than 1e-3.
    expect(maxAbsDiff(independent.adapter.logits[0]!, reference.adapter.logits[0]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(reference.adapter.logits[0]!, reference.base.logits[0]!)).toBeGreaterThan(1e-3);

    // The runtime the browser uses, with the synced adapter chosen per request: the trainer's logits, and not the base's.
    const adapted = await probe.logitsFor(engine, question, 'pirate-feedback@1');
    expect(maxAbsDiff(Array.from(adapted), reference.adapter.logits[0]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(Array.from(adapted), reference.base.logits[0]!)).toBeGreaterThan(1e-3);
    expect(
      maxAbsDiff(Array.from(await probe.logitsFor(engine, question)), reference.base.logits[0]!),
    ).toBeLessThan(1e-4);
  }, 180_000);
});
