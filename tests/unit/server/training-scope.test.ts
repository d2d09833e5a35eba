// The `training` scope a browser holds: its own uploads and jobs, the project's adapters, nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  chatDataset,
  DEMO_MODEL,
  startTestServer,
  trainAdapter,
  uploadText,
  waitForJob,
  type JobView,
  type TestServer,
} from './helpers.ts';

let server: TestServer;
let adapterId: string;
let mine: string;
let colleague: string;
let fullJob: string;
let fullFile: string;

type ErrorBody = { error: { code: string } };

beforeAll(async () => {
  server = await startTestServer();
  mine = server.keyFor('alpha', 'training');
  colleague = server.keyFor('alpha', 'training');
  adapterId = await trainAdapter(server, server.key, 'team-bot');
  fullFile = await uploadText(server, server.key, chatDataset(10));
  fullJob = (await api<{ data: Array<{ id: string }> }>(server, server.key, 'GET', '/v1/fine_tuning/jobs'))
    .body.data[0]!.id;
});
afterAll(async () => {
  await server.close();
});

async function createJob(key: string, file: string, suffix?: string) {
  return api<JobView & ErrorBody>(server, key, 'POST', '/v1/fine_tuning/jobs', {
    model: DEMO_MODEL,
    training_file: file,
    ...(suffix ? { suffix } : {}),
  });
}

describe('a training key', () => {
  it('is generated with its own prefix', () => {
    expect(mine).toMatch(/^hk-train-[A-Za-z0-9_-]{43}$/);
  });

  it('uploads, creates a job, reads it, follows its events as a stream and sees it succeed', async () => {
    server.setTrainerMode('ok');
    const file = await uploadText(server, mine, chatDataset(12));
    const created = await createJob(mine, file, 'browser-bot');
    expect(created.status).toBe(200);
    const stream = await fetch(`${server.url}/v1/fine_tuning/jobs/${created.body.id}/events?stream=true`, {
      headers: { authorization: `Bearer ${mine}` },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await stream.text(); // the server ends the stream once the job is final
    const end = /event: end\ndata: (.*)\n/.exec(text);
    expect(end, text).not.toBeNull();
    expect((JSON.parse(end![1]!) as JobView).status).toBe('succeeded');
    expect(text).toContain(`Created fine-tuning job: ${created.body.id}`);

    const job = await api<JobView>(server, mine, 'GET', `/v1/fine_tuning/jobs/${created.body.id}`);
    expect(job.status).toBe(200);
    expect((await api(server, mine, 'GET', `/v1/fine_tuning/jobs/${created.body.id}/events`)).status).toBe(
      200,
    );
    expect(
      (await api(server, mine, 'GET', `/v1/fine_tuning/jobs/${created.body.id}/checkpoints`)).status,
    ).toBe(200);
    // Its adapter, and the project's other adapters, are readable with the same key.
    const listed = await api<{ data: Array<{ id: string }> }>(server, mine, 'GET', '/v1/adapters');
    expect(listed.body.data.map((adapter) => adapter.id)).toEqual(
      expect.arrayContaining([job.body.fine_tuned_model, adapterId]),
    );
    expect((await api(server, mine, 'GET', `/v1/adapters/${adapterId}`)).status).toBe(200);
    expect(
      (await api(server, mine, 'GET', `/v1/adapters/${adapterId}/files/adapter_config.json`)).status,
    ).toBe(200);
  });

  it('cancels its own job', async () => {
    server.setTrainerMode('slow');
    const file = await uploadText(server, mine, chatDataset(12));
    const created = await createJob(mine, file);
    await waitForJob(server, mine, created.body.id, (job) => job.status === 'running');
    const cancelled = await api<JobView>(
      server,
      mine,
      'POST',
      `/v1/fine_tuning/jobs/${created.body.id}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    expect((await waitForJob(server, mine, created.body.id)).status).toBe('cancelled');
  });

  it('lists only the jobs it created', async () => {
    const listed = await api<{ data: Array<{ id: string }> }>(server, mine, 'GET', '/v1/fine_tuning/jobs');
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.data.map((job) => job.id)).not.toContain(fullJob);
    const other = await api<{ data: unknown[] }>(server, colleague, 'GET', '/v1/fine_tuning/jobs');
    expect(other.body.data).toEqual([]);
    // A full key of the project still sees them all.
    const all = await api<{ data: unknown[] }>(server, server.key, 'GET', '/v1/fine_tuning/jobs');
    expect(all.body.data.length).toBe(3);
  });

  it("cannot read, follow or cancel another key's job, nor train on another key's file", async () => {
    const ownJobs = (await api<{ data: Array<{ id: string }> }>(server, mine, 'GET', '/v1/fine_tuning/jobs'))
      .body.data;
    for (const [key, job] of [
      [mine, fullJob],
      [colleague, ownJobs[0]!.id],
    ] as const) {
      for (const [method, route] of [
        ['GET', `/v1/fine_tuning/jobs/${job}`],
        ['GET', `/v1/fine_tuning/jobs/${job}/events`],
        ['GET', `/v1/fine_tuning/jobs/${job}/events?stream=true`],
        ['GET', `/v1/fine_tuning/jobs/${job}/checkpoints`],
        ['POST', `/v1/fine_tuning/jobs/${job}/cancel`],
      ] as const) {
        const response = await api<ErrorBody>(server, key, method, route);
        expect(response.status, `${method} ${route}`).toBe(404);
        expect(response.body.error.code).toBe('fine_tuning_job_not_found');
      }
    }
    const borrowed = await createJob(mine, fullFile);
    expect(borrowed.status).toBe(400);
    expect(borrowed.body.error.code).toBe('invalid_request');
  });

  it('is refused everything else a full key may do', async () => {
    const someFile = (await api<{ data: Array<{ id: string }> }>(server, server.key, 'GET', '/v1/files')).body
      .data[0]!.id;
    for (const [method, route] of [
      ['GET', '/v1/files'],
      ['GET', `/v1/files/${someFile}`],
      ['GET', `/v1/files/${someFile}/content`],
      ['GET', `/v1/files/${someFile}/validation?model=${DEMO_MODEL}`],
      ['DELETE', `/v1/files/${someFile}`],
      ['GET', '/v1/models'],
      ['GET', `/v1/models/${DEMO_MODEL}`],
      ['GET', '/v1/adapters/team-bot/grants'],
      ['POST', '/v1/adapters/team-bot/grants'],
      ['DELETE', '/v1/adapters/team-bot/grants/alpha'],
    ] as const) {
      const response = await api<ErrorBody>(
        server,
        mine,
        method,
        route,
        method === 'POST' ? { project: 'alpha' } : undefined,
      );
      expect(response.status, `${method} ${route}`).toBe(403);
      expect(response.body.error.code).toBe('insufficient_scope');
    }
  });

  it('is wider than a read-only key: adapters:read may not upload or create jobs', async () => {
    const read = server.keyFor('alpha', 'adapters:read');
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob([chatDataset(10)]), 'train.jsonl');
    const upload = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${read}` },
      body: form,
    });
    expect(upload.status).toBe(403);
    const job = await api<ErrorBody>(server, read, 'POST', '/v1/fine_tuning/jobs', {});
    expect(job.status).toBe(403);
    expect(job.body.error.code).toBe('insufficient_scope');
  });
});
