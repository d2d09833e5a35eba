// Faults: a trainer that crashes or reports an error, a trainer output that tries to escape its folder,
// and the server killed during a running job and restarted.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  chatDataset,
  DEMO_MODEL,
  spawnServer,
  processesMentioning,
  startTestServer,
  tempDir,
  uploadText,
  waitForJob,
} from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

describe('trainer failures', () => {
  const server = useTestServer();

  async function runJob(mode: 'crash' | 'error' | 'escape') {
    server.setTrainerMode(mode);
    const file = await uploadText(server, server.key, chatDataset(10));
    const { body } = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
    });
    return waitForJob(server, server.key, body.id);
  }

  it('fails a job whose trainer crashes, quoting its stderr, and keeps the progress it made', async () => {
    const job = await runJob('crash');
    expect(job.status).toBe('failed');
    expect(job.error!.code).toBe('trainer_crashed');
    expect(job.error!.message).toMatch(/exited with code 3.*simulated crash in the trainer/s);
    const events = await api<{ data: Array<{ type: string }> }>(
      server,
      server.key,
      'GET',
      `/v1/fine_tuning/jobs/${job.id}/events?limit=100`,
    );
    expect(events.body.data.filter((event) => event.type === 'metrics')).toHaveLength(2);
    expect((await api<{ data: unknown[] }>(server, server.key, 'GET', '/v1/adapters')).body.data).toEqual([]);
  });

  it('fails a job with the code and message of the trainer’s error line', async () => {
    const job = await runJob('error');
    expect(job.error).toMatchObject({
      code: 'out_of_memory',
      message: expect.stringMatching(/does not fit/),
    });
  });

  it('refuses an adapter file that is a symlink out of the output folder', async () => {
    const job = await runJob('escape');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({
      code: 'invalid_adapter',
      message: expect.stringMatching(/not a regular file/),
    });
    expect((await api<{ data: unknown[] }>(server, server.key, 'GET', '/v1/adapters')).body.data).toEqual([]);
  });

  it('streams a job’s events as server-sent events until it ends', async () => {
    server.setTrainerMode('ok');
    const file = await uploadText(server, server.key, chatDataset(10));
    const { body } = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
    });
    const response = await fetch(`${server.url}/v1/fine_tuning/jobs/${body.id}/events?stream=true`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text(); // ends when the job does
    const blocks = text
      .split('\n\n')
      .filter((block) => block.startsWith('id:') || block.startsWith('event:'));
    const events = blocks
      .filter((block) => block.includes('event: event'))
      .map((block) => JSON.parse(block.split('data: ')[1]!) as { message: string });
    expect(events[0]!.message).toBe(`Created fine-tuning job: ${body.id}`); // oldest first
    expect(events.at(-1)!.message).toBe('The job has successfully completed');
    const end = blocks.find((block) => block.startsWith('event: end'))!;
    expect(JSON.parse(end.split('data: ')[1]!)).toMatchObject({ id: body.id, status: 'succeeded' });
    // Resuming after an event id sends only what came later.
    const ids = blocks
      .filter((block) => block.startsWith('id:'))
      .map((block) => block.split('\n')[0]!.slice(4));
    const resumed = await fetch(`${server.url}/v1/fine_tuning/jobs/${body.id}/events?stream=true`, {
      headers: { authorization: `Bearer ${server.key}`, 'last-event-id': ids.at(-3)! },
    });
    expect((await resumed.text()).match(/event: event/g)).toHaveLength(2);
  });
});

describe('restart before a job reached the executor', () => {
  it('validates and runs a job created just before the server stopped', async () => {
    const dataDir = tempDir('reconcile');
    const first = await startTestServer({ dataDir });
    await first.services.runner.stop(); // the process dies before its runner touches the job
    first.setTrainerMode('ok');
    const file = await uploadText(first, first.key, chatDataset(10));
    const { body } = await api<{ id: string; status: string }>(
      first,
      first.key,
      'POST',
      '/v1/fine_tuning/jobs',
      {
        model: DEMO_MODEL,
        training_file: file,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (await api<{ status: string }>(first, first.key, 'GET', `/v1/fine_tuning/jobs/${body.id}`)).body.status,
    ).toBe('validating_files');
    const key = first.key;
    await first.close();
    const second = await startTestServer({ dataDir });
    const job = await waitForJob(second, key, body.id);
    expect(job.status).toBe('succeeded');
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('a job submitted by another executor kind', () => {
  it('is left alone for a server with that executor, and cannot be cancelled from this one', async () => {
    const server = await startTestServer();
    try {
      await server.services.runner.stop();
      const file = await uploadText(server, server.key, chatDataset(10));
      const { body } = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
        model: DEMO_MODEL,
        training_file: file,
      });
      server.services.jobs.update(body.id, { status: 'running', executor: 'slurm', handle: '4242' });
      server.services.runner.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.services.jobs.get(body.id)).toMatchObject({ status: 'running', handle: '4242' });
      const cancel = await api<{ error: { code: string } }>(
        server,
        server.key,
        'POST',
        `/v1/fine_tuning/jobs/${body.id}/cancel`,
      );
      expect(cancel.status).toBe(409);
      expect(cancel.body.error.code).toBe('job_on_other_executor');
    } finally {
      await server.close();
    }
  });
});

describe('server killed during a running job', () => {
  const key = 'hk-restart-test-key-0123456789';
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startKilledJob() {
    const dataDir = tempDir('restart');
    dirs.push(dataDir);
    const modeFile = path.join(dataDir, 'mode');
    fs.writeFileSync(modeFile, 'slow');
    const first = await spawnServer(dataDir, modeFile);
    children.push(first.child);
    const file = await uploadText(first, key, chatDataset(10));
    const { body } = await api<{ id: string }>(first, key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
      suffix: 'survivor',
    });
    for (;;) {
      const events = await api<{ data: Array<{ type: string }> }>(
        first,
        key,
        'GET',
        `/v1/fine_tuning/jobs/${body.id}/events?limit=100`,
      );
      if (events.body.data.filter((event) => event.type === 'metrics').length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const runDir = path.join(dataDir, 'runs', body.id);
    expect(processesMentioning(runDir).length).toBeGreaterThan(0); // the trainer outlives the server
    return { dataDir, modeFile, jobId: body.id, runDir };
  }

  async function expectCompleteHistory(server: { url: string }, jobId: string) {
    const job = await waitForJob(server, key, jobId);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ status: 'succeeded', fine_tuned_model: 'survivor@1' });
    const events = await api<{ data: Array<{ type: string; data: { step: number } }> }>(
      server,
      key,
      'GET',
      `/v1/fine_tuning/jobs/${jobId}/events?limit=100`,
    );
    const steps = events.body.data
      .filter((event) => event.type === 'metrics')
      .map((event) => event.data.step)
      .reverse();
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // every step once: none lost, none repeated
    expect((await api(server, key, 'GET', '/v1/adapters/survivor@1')).status).toBe(200);
  }

  it('reattaches to the still-running trainer after a restart', async () => {
    const { dataDir, modeFile, jobId, runDir } = await startKilledJob();
    const second = await spawnServer(dataDir, modeFile);
    children.push(second.child);
    expect(
      (await api<{ status: string }>(second, key, 'GET', `/v1/fine_tuning/jobs/${jobId}`)).body.status,
    ).toBe('running');
    await expectCompleteHistory(second, jobId);
    expect(processesMentioning(runDir)).toEqual([]);
    second.child.kill('SIGTERM');
  });

  it('settles a job whose trainer finished while the server was down', async () => {
    const { dataDir, modeFile, jobId, runDir } = await startKilledJob();
    while (processesMentioning(runDir).length) await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await spawnServer(dataDir, modeFile);
    children.push(second.child);
    await expectCompleteHistory(second, jobId);
    second.child.kill('SIGTERM');
  });
});
