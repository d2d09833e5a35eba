// The slurm executor against a real one-node SLURM cluster started by scripts/slurm/ (not a mock).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  chatDataset,
  DEMO_MODEL,
  processesMentioning,
  startTestServer,
  uploadText,
  waitForJob,
  tempDir,
  type JobView,
  type TestServer,
} from './helpers.ts';
import { sacctState, slurmAvailable, startCluster, type Cluster } from './slurm-cluster.ts';

const available = slurmAvailable();
if (!available.ok) console.warn(`skipping the SLURM tests: ${available.why}`);

describe.skipIf(!available.ok)('slurm executor', () => {
  let cluster: Cluster;
  let server: TestServer;
  const previousConf = process.env.SLURM_CONF;

  beforeAll(async () => {
    cluster = await startCluster();
    process.env.SLURM_CONF = cluster.conf; // sbatch, squeue, scontrol, sacct, scancel read it
    server = await startTestServer({
      executor: 'slurm',
      slurm: { cpusPerTask: 1, memory: '512M', timeLimit: '00:10:00' },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    cluster?.stop();
    if (previousConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = previousConf;
  }, 60_000);

  async function createJob(mode: 'ok' | 'slow' | 'crash', suffix?: string): Promise<JobView> {
    server.setTrainerMode(mode);
    const file = await uploadText(server, server.key, chatDataset(10));
    const { body } = await api<JobView>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
      suffix,
    });
    return body;
  }
  const slurmId = (jobId: string) => server.services.jobs.get(jobId)!.handle!;

  it('trains through sbatch and publishes the adapter', async () => {
    const created = await createJob('ok', 'on-slurm');
    const job = await waitForJob(server, server.key, created.id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ status: 'succeeded', fine_tuned_model: 'on-slurm@1' });
    const id = slurmId(job.id);
    expect(sacctState(cluster.conf, id)).toBe(`${id}|COMPLETED|0:0`);
    const script = fs.readFileSync(path.join(server.dataDir, 'runs', job.id, 'job.sbatch'), 'utf8');
    expect(script).toMatch(/#SBATCH --mem=512M/);
    expect(script).toMatch(/#SBATCH --time=00:10:00/);
    const events = await api<{ data: Array<{ message: string; type: string }> }>(
      server,
      server.key,
      'GET',
      `/v1/fine_tuning/jobs/${job.id}/events?limit=100`,
    );
    expect(
      events.body.data.some((event) => event.message === `Submitted to the slurm executor (${id}).`),
    ).toBe(true);
    expect(events.body.data.filter((event) => event.type === 'metrics')).toHaveLength(9); // ceil(10/4) * 3 epochs
    expect((await api(server, server.key, 'GET', '/v1/adapters/on-slurm@1')).status).toBe(200);
  });

  it('fails a job whose SLURM job fails, with the exit code', async () => {
    const created = await createJob('crash');
    const job = await waitForJob(server, server.key, created.id);
    expect(job.status).toBe('failed');
    expect(job.error!.code).toBe('trainer_crashed');
    expect(job.error!.message).toMatch(/SLURM job \d+ ended in state FAILED.*simulated crash/s);
    const id = slurmId(job.id);
    expect(sacctState(cluster.conf, id)).toBe(`${id}|FAILED|3:0`);
  });

  it('cancels a running job with scancel', async () => {
    const created = await createJob('slow');
    await waitForJob(server, server.key, created.id, (job) => job.status === 'running');
    const runDir = path.join(server.dataDir, 'runs', created.id);
    const cancelled = await api<JobView>(
      server,
      server.key,
      'POST',
      `/v1/fine_tuning/jobs/${created.id}/cancel`,
    );
    expect(cancelled.body.status).toBe('cancelled');
    const id = slurmId(created.id);
    for (let i = 0; i < 50 && !sacctState(cluster.conf, id); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sacctState(cluster.conf, id)).toMatch(new RegExp(`^${id}\\|CANCELLED`));
    for (let i = 0; i < 50 && processesMentioning(runDir).length; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMentioning(runDir)).toEqual([]);
  });

  it('notices a job cancelled on the cluster by someone else', async () => {
    const created = await createJob('slow');
    await waitForJob(server, server.key, created.id, (job) => job.status === 'running');
    execFileSync('scancel', [slurmId(created.id)]);
    const job = await waitForJob(server, server.key, created.id);
    expect(job.status).toBe('cancelled');
  });

  it('reattaches to a SLURM job after the server restarts', async () => {
    const dataDir = tempDir('slurm-restart');
    const resources = { cpusPerTask: 1, memory: '512M', timeLimit: '00:10:00' };
    let current = await startTestServer({ dataDir, executor: 'slurm', slurm: resources });
    try {
      current.setTrainerMode('slow');
      const file = await uploadText(current, current.key, chatDataset(10));
      const { body } = await api<JobView>(current, current.key, 'POST', '/v1/fine_tuning/jobs', {
        model: DEMO_MODEL,
        training_file: file,
        suffix: 'slurm-survivor',
      });
      await waitForJob(current, current.key, body.id, (job) => job.status === 'running');
      const key = current.key;
      await current.close(); // the SLURM job keeps running and its output keeps growing meanwhile
      current = await startTestServer({ dataDir, executor: 'slurm', slurm: resources });
      const job = await waitForJob(current, key, body.id);
      expect(job).toMatchObject({ status: 'succeeded', fine_tuned_model: 'slurm-survivor@1' });
      const events = await api<{ data: Array<{ type: string; data: { step: number } }> }>(
        current,
        key,
        'GET',
        `/v1/fine_tuning/jobs/${job.id}/events?limit=100`,
      );
      const steps = events.body.data
        .filter((event) => event.type === 'metrics')
        .map((event) => event.data.step)
        .reverse();
      expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // none lost, none repeated
    } finally {
      await current.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps a job queued while SLURM has no room, saying why, and runs it when room frees up', async () => {
    const wholeNode = await startTestServer({
      executor: 'slurm',
      slurm: { cpusPerTask: os.cpus().length, memory: '256M', timeLimit: '00:10:00' },
    });
    try {
      wholeNode.setTrainerMode('slow');
      const file = await uploadText(wholeNode, wholeNode.key, chatDataset(10));
      const create = async () =>
        (
          await api<JobView>(wholeNode, wholeNode.key, 'POST', '/v1/fine_tuning/jobs', {
            model: DEMO_MODEL,
            training_file: file,
          })
        ).body.id;
      const first = await create();
      await waitForJob(wholeNode, wholeNode.key, first, (job) => job.status === 'running');
      const second = await create();
      const waiting = async () =>
        (
          await api<{ data: Array<{ message: string }> }>(
            wholeNode,
            wholeNode.key,
            'GET',
            `/v1/fine_tuning/jobs/${second}/events`,
          )
        ).body.data.find((event) => event.message.startsWith('Waiting in the slurm queue'));
      for (let i = 0; i < 100 && !(await waiting()); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await waiting())?.message).toMatch(/PENDING \((Resources|Priority)\)/);
      expect(
        (await api<JobView>(wholeNode, wholeNode.key, 'GET', `/v1/fine_tuning/jobs/${second}`)).body.status,
      ).toBe('queued');
      await api(wholeNode, wholeNode.key, 'POST', `/v1/fine_tuning/jobs/${first}/cancel`);
      await waitForJob(wholeNode, wholeNode.key, second, (job) => job.status === 'running');
      await api(wholeNode, wholeNode.key, 'POST', `/v1/fine_tuning/jobs/${second}/cancel`);
    } finally {
      await wholeNode.close();
    }
  });

  it('fails a job that SLURM refuses to queue, saying why', async () => {
    const refusing = await startTestServer({ executor: 'slurm', slurm: { partition: 'no-such-partition' } });
    try {
      refusing.setTrainerMode('ok');
      const file = await uploadText(refusing, refusing.key, chatDataset(10));
      const { body } = await api<JobView>(refusing, refusing.key, 'POST', '/v1/fine_tuning/jobs', {
        model: DEMO_MODEL,
        training_file: file,
      });
      const job = await waitForJob(refusing, refusing.key, body.id);
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({
        code: 'executor_submit_failed',
        message: expect.stringMatching(/invalid partition/i),
      });
    } finally {
      await refusing.close();
    }
  });
});
