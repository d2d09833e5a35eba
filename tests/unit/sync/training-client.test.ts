// Sending a conversation for training from the browser's side, against a real server on loopback (fake trainer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationToDatasetLine } from '../../../src/sync/index.ts';
import { TrainingClient, type TrainingUpdate } from '../../../src/sync/index.ts';
import { DEMO_MODEL, startTestServer, type TestServer } from '../server/helpers.ts';

let server: TestServer;
let client: TrainingClient;
let key: string;

const line = conversationToDatasetLine({
  consent: true,
  messages: [
    { role: 'user', content: 'What is Hearth?' },
    { role: 'assistant', content: 'HEARTH RUNS MODELS ON YOUR DEVICE.' },
  ],
});

beforeAll(async () => {
  server = await startTestServer({ minTrainingExamples: 1 });
  key = server.keyFor('alpha', 'training');
  client = new TrainingClient({ baseUrl: server.url, apiKey: key });
});
afterAll(async () => {
  await server.close();
});

async function collect(updates: AsyncIterable<TrainingUpdate>): Promise<TrainingUpdate[]> {
  const all: TrainingUpdate[] = [];
  for await (const update of updates) all.push(update);
  return all;
}

describe('TrainingClient', () => {
  it('uploads one conversation, creates a job and follows it to the published adapter', async () => {
    server.setTrainerMode('ok');
    const file = await client.upload([line]);
    const job = await client.createJob({ model: DEMO_MODEL, trainingFile: file.id, suffix: 'from-browser' });
    expect(job.status).toBe('validating_files');
    const updates = await collect(client.followJob(job.id));
    const end = updates.at(-1)!;
    expect(end.type).toBe('end');
    if (end.type !== 'end') return;
    expect(end.job.status).toBe('succeeded');
    expect(end.job.fine_tuned_model).toBe('from-browser@1');
    const steps = updates.flatMap((u) => (u.type === 'event' && u.progress ? [u.progress.step] : []));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const ids = updates.flatMap((u) => (u.type === 'event' ? [u.event.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes a dropped stream where it stopped, without repeating events', async () => {
    server.setTrainerMode('ok');
    const file = await client.upload([line]);
    let cut = false;
    const flaky = new TrainingClient({
      baseUrl: server.url,
      apiKey: key,
      reconnectDelayMs: 10,
      // The network drops the first event stream after its first message.
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (cut || !String(input).includes('stream=true')) return response;
        cut = true;
        const reader = response.body!.getReader();
        const first = await reader.read();
        await reader.cancel();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(first.value!);
            controller.error(new TypeError('network connection lost'));
          },
        });
        return new Response(body, { status: 200, headers: response.headers });
      },
    });
    const job = await flaky.createJob({ model: DEMO_MODEL, trainingFile: file.id });
    const updates = await collect(flaky.followJob(job.id));
    expect(cut).toBe(true);
    expect(updates.at(-1)).toMatchObject({ type: 'end', job: { status: 'succeeded' } });
    const ids = updates.flatMap((u) => (u.type === 'event' ? [u.event.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(1);
  });

  it('cancels a running job and the stream ends with it cancelled', async () => {
    server.setTrainerMode('slow');
    const file = await client.upload([line]);
    const job = await client.createJob({ model: DEMO_MODEL, trainingFile: file.id });
    const updates: TrainingUpdate[] = [];
    for await (const update of client.followJob(job.id)) {
      updates.push(update);
      if (update.type === 'event' && update.progress?.step === 1) await client.cancel(job.id);
    }
    expect(updates.at(-1)).toMatchObject({ type: 'end', job: { status: 'cancelled' } });
    // Cancelling an ended job answers with the job as it ended.
    expect((await client.cancel(job.id)).status).toBe('cancelled');
  });

  it('explains a wrong key, a wrong scope, a job of another key and an unreachable server', async () => {
    const wrong = new TrainingClient({ baseUrl: server.url, apiKey: 'hk-train-not-a-key' });
    await expect(wrong.createJob({ model: DEMO_MODEL, trainingFile: 'file-x' })).rejects.toMatchObject({
      code: 'ADAPTER_AUTH_FAILED',
    });
    const read = new TrainingClient({ baseUrl: server.url, apiKey: server.keyFor('alpha', 'adapters:read') });
    await expect(read.upload([line])).rejects.toMatchObject({ code: 'FEEDBACK_FORBIDDEN' });
    await expect(read.createJob({ model: DEMO_MODEL, trainingFile: 'file-x' })).rejects.toMatchObject({
      code: 'ADAPTER_FORBIDDEN',
      message: expect.stringContaining('training key'),
    });
    const file = await client.upload([line]);
    server.setTrainerMode('ok');
    const job = await client.createJob({ model: DEMO_MODEL, trainingFile: file.id });
    const other = new TrainingClient({ baseUrl: server.url, apiKey: server.keyFor('alpha', 'training') });
    await expect(other.job(job.id)).rejects.toMatchObject({ code: 'TRAINING_JOB_NOT_FOUND' });
    await expect(collect(other.followJob(job.id))).rejects.toMatchObject({ code: 'TRAINING_JOB_NOT_FOUND' });
    await expect(other.createJob({ model: DEMO_MODEL, trainingFile: file.id })).rejects.toMatchObject({
      code: 'TRAINING_JOB_REFUSED',
    });
    await collect(client.followJob(job.id));
    const closed = new TrainingClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'hk-train-x' });
    await expect(closed.job('ftjob-x')).rejects.toMatchObject({ code: 'ADAPTER_SERVER_UNREACHABLE' });
  });
});
