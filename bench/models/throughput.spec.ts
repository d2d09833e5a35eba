import { test } from '@playwright/test';
import type { ModelRequest } from '../../src/models/model-store.ts';
import { openHarness } from '../../tests/e2e/harness.ts';
import type { EnsureCall, EnsureOutcome } from '../../tests/e2e/pages/models-service.ts';
import { sha256Hex, startModelServer, testBytes } from '../../tests/e2e/support/model-server.ts';

declare const harness: {
  ensure(where: 'page' | 'worker', call: EnsureCall): Promise<EnsureOutcome>;
  remove(where: 'page' | 'worker', modelId: string): Promise<void>;
};

// A measurement, not a check (`npm run bench:models`, HEARTH_MODELS_THROUGHPUT=<MB>, default 100): one JSON line
// per place (worker: OPFS sync access handles; page: OPFS createWritable), download + SHA-256 + store together.
const megabytes = Number(process.env.HEARTH_MODELS_THROUGHPUT ?? 100);

test('download, verify and store throughput', async ({ page }) => {
  test.setTimeout(600_000);
  const server = await startModelServer();
  const bytes = testBytes(megabytes * 1_000_000, 3);
  server.addFile('bench/blob', 'main', 'onnx/model.onnx', bytes);
  const request: ModelRequest = {
    id: 'bench/blob',
    source: { baseUrl: server.url, repo: 'bench/blob', revision: 'main' },
    files: [{ path: 'onnx/model.onnx', size: bytes.length, sha256: sha256Hex(bytes) }],
  };
  try {
    for (const where of ['worker', 'page'] as const) {
      await openHarness(page, 'models');
      const started = Date.now();
      const outcome = await page.evaluate(([w, r]) => harness.ensure(w, { model: r }), [
        where,
        request,
      ] as const);
      const seconds = (Date.now() - started) / 1000;
      if (outcome.error) throw new Error(outcome.error.message);
      console.log(
        JSON.stringify({
          bench: 'models-download',
          where,
          megabytes,
          mb_per_s: +(megabytes / seconds).toFixed(1),
        }),
      );
      await page.evaluate((id) => harness.remove('page', id), 'bench/blob');
    }
  } finally {
    await server.close();
  }
});
