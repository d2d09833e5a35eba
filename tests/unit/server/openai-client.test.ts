// The official `openai` npm client against the server on loopback: the flow existing clients use.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapterManifestSchema } from '../../../src/core/adapter-manifest.ts';
import { api, chatDataset, DEMO_MODEL, processesMentioning } from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const server = useTestServer();
let client: OpenAI;

beforeAll(() => {
  client = new OpenAI({ apiKey: server.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
});

describe('OpenAI client', () => {
  it('lists the demo model among the fine-tunable models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain(DEMO_MODEL);
  });

  it('uploads a file, trains, polls to success, lists events, and gets a verifiable adapter', async () => {
    server.setTrainerMode('ok');
    const file = await client.files.create({
      file: await toFile(Buffer.from(chatDataset(12)), 'train.jsonl'),
      purpose: 'fine-tune',
    });
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'fine-tune',
      filename: 'train.jsonl',
      status: 'processed',
    });
    expect((await client.files.retrieve(file.id)).bytes).toBe(Buffer.byteLength(chatDataset(12)));

    const validation = await client.files.create({
      file: await toFile(Buffer.from(chatDataset(3)), 'valid.jsonl'),
      purpose: 'fine-tune',
    });
    const created = await client.fineTuning.jobs.create({
      model: DEMO_MODEL,
      training_file: file.id,
      validation_file: validation.id,
      suffix: 'client-test',
      seed: 7,
      metadata: { purpose: 'test' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 4 } } },
    });
    expect(created.status).toBe('validating_files');

    let job = created;
    const seen = new Set<string>([job.status]);
    while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await client.fineTuning.jobs.retrieve(created.id);
      seen.add(job.status);
    }
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toBe('client-test@1');
    expect(job.hyperparameters).toMatchObject({ n_epochs: 2, batch_size: 4 });
    expect(job.seed).toBe(7);
    expect(job.validation_file).toBe(validation.id);

    const events = [];
    for await (const event of client.fineTuning.jobs.listEvents(job.id, { limit: 5 })) events.push(event);
    const messages = events.map((event) => event.message);
    expect(messages.at(-1)).toBe(`Created fine-tuning job: ${job.id}`); // newest first
    expect(messages[0]).toBe('The job has successfully completed');
    const finished = events.find((event) => event.message === 'Training finished')!;
    expect(finished.data).toMatchObject({ metrics: { validation_examples: 3 } }); // the trainer got the validation file
    expect(events.filter((event) => event.type === 'metrics').length).toBe(6); // ceil(12/4) * 2 epochs
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);

    const checkpoints = await client.fineTuning.jobs.checkpoints.list(job.id);
    expect(checkpoints.data.map((checkpoint) => checkpoint.step_number)).toEqual([3]);

    const listed = await client.fineTuning.jobs.list({ limit: 10 });
    expect(listed.data.map((item) => item.id)).toContain(job.id);

    // The adapter's manifest and files: every byte checks out against its SHA-256.
    const manifest = adapterManifestSchema.parse(
      (await api(server, server.key, 'GET', '/v1/adapters/client-test@1')).body,
    );
    expect(manifest).toMatchObject({ base_model: DEMO_MODEL, job_id: job.id, version: 1, owner: 'alpha' });
    for (const entry of manifest.files) {
      const response = await fetch(`${server.url}/v1/adapters/${manifest.id}/files/${entry.name}`, {
        headers: { authorization: `Bearer ${server.key}` },
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.length).toBe(entry.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
      const trainerCopy = path.join(server.dataDir, 'runs', job.id, 'out', entry.name);
      expect(bytes.equals(fs.readFileSync(trainerCopy))).toBe(true);
    }
  });

  it('cancels a second job while it runs', async () => {
    server.setTrainerMode('slow');
    const file = await client.files.create({
      file: await toFile(Buffer.from(chatDataset(10)), 'b.jsonl'),
      purpose: 'fine-tune',
    });
    const job = await client.fineTuning.jobs.create({ model: DEMO_MODEL, training_file: file.id });
    let current = job;
    while (current.status !== 'running') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await client.fineTuning.jobs.retrieve(job.id);
      expect(['validating_files', 'queued', 'running']).toContain(current.status);
    }
    while (current.estimated_finish === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await client.fineTuning.jobs.retrieve(job.id);
    }
    expect(current.estimated_finish).toBeGreaterThanOrEqual(current.created_at);
    const runDir = path.join(server.dataDir, 'runs', job.id);
    expect(processesMentioning(runDir).length).toBeGreaterThan(0);
    const cancelled = await client.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    // The trainer process is really gone, and no adapter was published.
    expect(processesMentioning(runDir)).toEqual([]);
    expect(fs.existsSync(path.join(runDir, 'out', 'adapter_model.safetensors'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('cancelled');
    await expect(client.fineTuning.jobs.cancel(job.id)).rejects.toMatchObject({ status: 409 });
  });
});
