// Validation on the worker thread: typed errors, cancellation, a bounded queue, bounded memory, and throughput.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatTokens } from '../../../server/datasets/chat-tokens.ts';
import { validateDataset } from '../../../server/datasets/validate.ts';
import { ValidationPool, ValidationWorkerError } from '../../../server/datasets/validation-pool.ts';
import type { HttpError } from '../../../server/http/errors.ts';
import { ModelCatalog } from '../../../server/models/catalog.ts';
import { DEMO_MODEL, REPO, tempDir } from './helpers.ts';
import { ordinaryFile } from './ordinary-dataset.ts';

const model = new ModelCatalog(path.join(REPO, 'public/models')).get(DEMO_MODEL)!;
const dir = tempDir('validation-pool');
const pool = new ValidationPool({ running: 1, queued: 1 });
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const task = (filePath: string) => ({ filePath, modelDir: model.dir, maxTokens: model.maxTokens });
const MiB = 2 ** 20;
const big = ordinaryFile(path.join(dir, 'ordinary.jsonl'), 24);

describe('the validation worker', () => {
  it('reports like the in-process validation does, within 64 MB of extra memory', async () => {
    const idle = process.memoryUsage().rss;
    const tiny = path.join(dir, 'tiny.jsonl');
    fs.writeFileSync(tiny, '{}\n');
    await pool.validate(task(tiny)); // starts the worker: its heap, modules and tokenizer are a fixed cost
    const before = process.memoryUsage().rss;
    console.log(`the worker, started: ${((before - idle) / MiB).toFixed(1)} MiB of RSS`);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - before)), 5);
    const report = await pool.validate(task(big.file));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss - before);
    console.log(
      `worker validation of ${(big.bytes / MiB).toFixed(0)} MiB: peak extra RSS ${(peak / MiB).toFixed(1)} MiB`,
    );
    expect(report).toMatchObject({ valid: true, examples: big.examples, bad_lines: 0 });
    // RSS is the whole process: what the validation adds to the worker's heap, and the read buffers.
    expect(peak).toBeLessThan(64 * MiB);
  });

  it('passes errors on with their codes', async () => {
    const missing = pool.validate(task(path.join(dir, 'missing.jsonl')));
    await expect(missing).rejects.toBeInstanceOf(ValidationWorkerError);
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops a validation whose caller went away, queues a bounded number, and refuses the rest', async () => {
    const first = new AbortController();
    const running = pool.validate(task(big.file), first.signal);
    const queued = pool.validate(task(big.file));
    await expect(pool.validate(task(big.file))).rejects.toMatchObject({
      code: 'validation_busy',
      status: 503,
    } satisfies Partial<HttpError>);
    const started = performance.now();
    first.abort(new Error('gone'));
    await expect(running).rejects.toThrow('gone');
    // The queued one runs next, on the same worker, which stopped reading the first file.
    expect((await queued).examples).toBe(big.examples);
    console.log(
      `a cancelled validation and a whole one after it: ${(performance.now() - started).toFixed(0)} ms`,
    );
  });
});

describe('a worker started ahead of use', () => {
  it('validates as a cold one does, and a pool closed while its worker still loads stops at once', async () => {
    const tiny = path.join(dir, 'warm.jsonl');
    fs.writeFileSync(tiny, '{}\n');
    const warm = new ValidationPool();
    warm.warm();
    warm.warm(); // a second call reuses the worker
    try {
      expect(await warm.validate(task(tiny))).toEqual(await pool.validate(task(tiny)));
    } finally {
      await warm.close();
    }
    const closing = new ValidationPool();
    closing.warm();
    await closing.close(); // terminates the loading worker; a hang here fails the test by its timeout
    await expect(closing.validate(task(tiny))).resolves.toMatchObject({ examples: 0 }); // a fresh worker
    await closing.close();
  });
});

describe('throughput', () => {
  it('validates ordinary chat files at 10 MB/s or more of CPU time, far above tokenizing every line', async () => {
    const tokens = createChatTokens(model.dir);
    const options = { maxTokens: model.maxTokens, tokens };
    await validateDataset(big.file, options); // compiles the hot path
    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await validateDataset(big.file, options);
    const { user, system } = process.cpuUsage(cpu);
    const seconds = (user + system) / 1e6;
    const rate = big.bytes / 1e6 / seconds;
    console.log(
      `${(big.bytes / 1e6).toFixed(1)} MB: ${rate.toFixed(0)} MB/s of CPU time, ` +
        `${(big.bytes / 1e6 / ((performance.now() - started) / 1000)).toFixed(0)} MB/s of wall time`,
    );
    expect(report.examples).toBe(big.examples);
    // CPU time, not wall time, so waiting for a core does not count; a loaded machine still slows each core
    // (shared caches, SMT siblings), so this is a floor, not the goal: rendering and tokenizing every line
    // runs at about 0.5 MB/s, and 10 MB/s is out of its reach. The goal, 50 MB/s, is asserted by
    // bench/server/validate.ts (run on a quiet machine).
    expect(rate).toBeGreaterThanOrEqual(10);
  });
});
