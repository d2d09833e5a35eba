// The local executor runs one trainer at a time: the next job starts only after the previous one ended.
import { expect, it } from 'vitest';
import { api, chatDataset, DEMO_MODEL, uploadText, waitForJob } from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const server = useTestServer();

it('queues jobs and runs them one after another', async () => {
  server.setTrainerMode('ok');
  const file = await uploadText(server, server.key, chatDataset(10));
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { body } = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
      suffix: 'serial',
    });
    ids.push(body.id);
  }
  const jobs = [];
  for (const id of ids) jobs.push(await waitForJob(server, server.key, id));
  expect(jobs.map((job) => job.fine_tuned_model).sort()).toEqual(['serial@1', 'serial@2', 'serial@3']);
  // Event sequence numbers are global: each job was submitted after the one before it finished.
  const seqOf = (id: string, pattern: string) =>
    (
      server.services.db
        .prepare('SELECT seq FROM job_events WHERE job_id = ? AND message LIKE ? ORDER BY seq LIMIT 1')
        .get(id, pattern) as { seq: number }
    ).seq;
  const spans = ids
    .map(
      (id) =>
        [
          seqOf(id, 'Submitted to the local executor%'),
          seqOf(id, 'The job has successfully completed'),
        ] as const,
    )
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThan(spans[i - 1]![1]);
});
