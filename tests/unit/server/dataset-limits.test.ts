// Dataset validation stays linear, bounded in memory, computed once per file, and leaves the API responsive.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, validateDataset } from '../../../server/datasets/validate.ts';
import { ModelCatalog } from '../../../server/models/catalog.ts';
import { chatLine, DEMO_MODEL, REPO, startTestServer, tempDir } from './helpers.ts';

const catalog = new ModelCatalog(path.join(REPO, 'public/models'));
const model = catalog.get(DEMO_MODEL)!;
const dir = tempDir('dataset-limits');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, write: (fd: number) => void): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  write(fd);
  fs.closeSync(fd);
  return file;
}

const validate = (file: string) =>
  validateDataset(file, { maxTokens: model.maxTokens, countTokens: catalog.tokenCounter(DEMO_MODEL) });

describe('line limits', () => {
  it('refuses a 50 MB line within 1 s and within 64 MB of extra memory, and reads the lines after it', async () => {
    const file = writeFile('long.jsonl', (fd) => {
      const block = Buffer.alloc(1 << 20, 0x61);
      for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
      fs.writeSync(fd, '\n');
      for (let i = 0; i < 10; i++) fs.writeSync(fd, chatLine(i) + '\n');
    });
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss - before.rss, now.arrayBuffers - before.arrayBuffers);
    }, 5);
    const started = performance.now();
    const report = await validate(file);
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    expect(elapsed).toBeLessThan(1000);
    expect(peak).toBeLessThan(64 * 2 ** 20);
    expect(report.errors[0]).toMatchObject({ line: 1, code: 'line_too_long' });
    expect(report.errors[0]!.message).toMatch(String(MAX_LINE_BYTES));
    expect(report.examples).toBe(10);
  });

  it('splits lines in time linear in the file: 4x the bytes of non-JSON take at most ~4x the time', async () => {
    const make = (name: string, mb: number) =>
      writeFile(name, (fd) => {
        const line = Buffer.from('x'.repeat(1000) + '\n'); // short lines: splitting, not parsing, dominates
        const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
        for (let i = 0; i < mb; i++) fs.writeSync(fd, block);
      });
    const time = async (file: string) => {
      const started = performance.now();
      await validate(file);
      return performance.now() - started;
    };
    const small = make('small.jsonl', 4);
    const large = make('large.jsonl', 16);
    await time(small); // warm up
    const [a, b] = [await time(small), await time(large)];
    // A quadratic splitter would take 16x; linear is 4x, with room for the machine's noise (not 16x).
    expect(b / a).toBeLessThan(8);
  });
});

describe('the API while a validation runs', () => {
  it('answers /health promptly and computes a file’s report once', async () => {
    const server = await startTestServer();
    try {
      const lines = Array.from({ length: 3000 }, (_, i) => chatLine(i)).join('\n') + '\n';
      const form = new FormData();
      form.append('purpose', 'fine-tune');
      form.append('file', new Blob([lines]), 'big.jsonl');
      const upload = (await (
        await fetch(`${server.url}/v1/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.key}` },
          body: form,
        })
      ).json()) as { id: string };
      const get = () =>
        fetch(`${server.url}/v1/files/${upload.id}/validation?model=${DEMO_MODEL}`, {
          headers: { authorization: `Bearer ${server.key}` },
        });
      const started = performance.now();
      const validation = get();
      const latencies: number[] = [];
      let done = false;
      void validation.then(() => (done = true));
      while (!done) {
        const t = performance.now();
        await (await fetch(`${server.url}/health`)).text();
        latencies.push(performance.now() - t);
      }
      const firstMs = performance.now() - started;
      const report = (await (await validation).json()) as { examples: number };
      expect(report.examples).toBe(3000);
      latencies.sort((x, y) => x - y);
      const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
      console.log(
        `validation of ${lines.length} bytes: ${firstMs.toFixed(0)} ms, /health p99 ${p99.toFixed(1)} ms over ${latencies.length}`,
      );
      expect(latencies.length).toBeGreaterThan(5);
      // Relative, not absolute (the machine is shared): a validation that held the event loop would make /health
      // wait for all of it; one that yields every few ms keeps even its slow answers a small part of it.
      expect(p99).toBeLessThan(firstMs / 10);
      const again = performance.now();
      expect(((await (await get()).json()) as { examples: number }).examples).toBe(3000);
      expect(performance.now() - again).toBeLessThan(firstMs / 5); // computed once
    } finally {
      await server.close();
    }
  });
});
