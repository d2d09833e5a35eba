import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { EmbedderInfo, TruncatedText } from '../../src/engines/embed/contract.ts';
import type { CreateEmbedderOptions } from '../../src/runtime/embedder.ts';
import type { Progress } from '../../src/core/progress.ts';
import { openHarness } from './harness.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; code?: string; message: string };
declare const harness: {
  open(
    name: string,
    options: Omit<CreateEmbedderOptions, 'signal' | 'onProgress'>,
  ): Promise<Outcome<{ info: EmbedderInfo; progress: Progress[] }>>;
  embed(
    name: string,
    texts: string[],
    options?: { kind?: 'query' | 'passage' },
  ): Promise<Outcome<{ vectors: number[][]; truncated: TruncatedText[][] }>>;
  embedAndAbort(
    name: string,
    texts: string[],
    abortAfter: number,
  ): Promise<{ result: Outcome<unknown> | { ok: true }; loaded: number[] }>;
  countTokens(name: string, texts: string[]): Promise<Outcome<number[]>>;
  close(name: string): void;
};

interface Reference {
  max_length: number;
  texts: Array<{ text: string; ids: number[]; untruncated_length: number; mean: number[]; cls: number[] }>;
}
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/reference/tiny-embed.json', import.meta.url), 'utf8'),
) as Reference;
const texts = reference.texts.filter((entry) => entry.text.trim() !== '');
const model = { baseUrl: '/models', modelId: 'hearth-demo/tiny-embed' };

const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
/** For each vector, the index of its most similar other vector (cosine; vectors are unit length). */
const nearest = (vectors: number[][]) =>
  vectors.map((v, i) => {
    let best = -1;
    let bestScore = -Infinity;
    vectors.forEach((w, j) => {
      const score = dot(v, w);
      if (j !== i && score > bestScore) [best, bestScore] = [j, score];
    });
    return best;
  });

function valueOf<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.value;
}

test.beforeEach(async ({ page }) => openHarness(page, 'embed'));

for (const pooling of ['mean', 'cls'] as const) {
  test(`WASM in the worker matches PyTorch within 1e-4 (${pooling} pooling)`, async ({ page }) => {
    const opened = valueOf(
      await page.evaluate((o) => harness.open('wasm', o), {
        model,
        device: 'wasm' as const,
        spec: { pooling },
        batchSize: 4,
      }),
    );
    expect(opened.info).toMatchObject({ device: 'wasm', dimensions: 64, maxTokens: 128 });
    expect(opened.info.threads).toBeGreaterThanOrEqual(1);
    expect(opened.progress.at(-1)).toMatchObject({ phase: 'load', loaded: 4, total: 4 });
    const { vectors } = valueOf(
      await page.evaluate(
        (t) => harness.embed('wasm', t),
        texts.map((e) => e.text),
      ),
    );
    // 1e-4: float32 ORT vs float32 PyTorch on unit vectors, valid on any x86-64 CPU: see tests/unit/embed/parity.test.ts.
    texts.forEach((entry, i) =>
      expect(maxAbsDiff(vectors[i]!, entry[pooling]), entry.text).toBeLessThan(1e-4),
    );
  });
}

test('WebGPU (SwiftShader) in the worker matches PyTorch within 2e-2 with the same nearest neighbours', async ({
  page,
}) => {
  const opened = valueOf(
    await page.evaluate((o) => harness.open('gpu', o), { model, device: 'webgpu' as const }),
  );
  expect(opened.info.device).toBe('webgpu');
  const { vectors } = valueOf(
    await page.evaluate(
      (t) => harness.embed('gpu', t),
      texts.map((e) => e.text),
    ),
  );
  // WebGPU on SwiftShader: an empirical bound, not a rounding one (see tests/e2e/llm.spec.ts).
  texts.forEach((entry, i) => expect(maxAbsDiff(vectors[i]!, entry.mean), entry.text).toBeLessThan(2e-2));
  expect(nearest(vectors)).toEqual(nearest(texts.map((e) => e.mean)));
});

test("device 'auto' says what it picked and why (SwiftShader is software, so WASM)", async ({ page }) => {
  const { info } = valueOf(
    await page.evaluate((o) => harness.open('auto', o), { model, device: 'auto' as const }),
  );
  expect(info.device).toBe('wasm');
  expect(info.deviceReason).toMatch(/auto: .*software/);
});

test('bad input gives clear errors and the worker keeps working', async ({ page }) => {
  valueOf(await page.evaluate((o) => harness.open('w', o), { model, device: 'wasm' as const }));
  const empty = await page.evaluate(() => harness.embed('w', []));
  expect(empty).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  const blank = await page.evaluate(() => harness.embed('w', ['ok', '   ']));
  expect(blank).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  expect(blank.ok ? '' : blank.message).toMatch(/index 1 is empty/);

  const long = reference.texts.find((entry) => entry.untruncated_length > reference.max_length)!;
  const cut = valueOf(await page.evaluate((t) => harness.embed('w', ['short', t]), long.text));
  expect(cut.truncated).toEqual([
    [{ index: 1, tokens: long.untruncated_length, keptTokens: reference.max_length }],
  ]);
  expect(maxAbsDiff(cut.vectors[1]!, long.mean)).toBeLessThan(1e-4);
  // Token counts with the model's own tokenizer, untruncated, empty text included.
  const all = reference.texts.map((entry) => entry.text);
  expect(valueOf(await page.evaluate((t) => harness.countTokens('w', t), all))).toEqual(
    reference.texts.map((entry) => entry.untruncated_length),
  );
});

test('a model whose files are missing or malformed fails to open with a clear error', async ({ page }) => {
  const missing = await page.evaluate(() =>
    harness.open('x', {
      model: { baseUrl: '/models', modelId: 'hearth-demo/no-such-model' },
      device: 'wasm',
    }),
  );
  expect(missing).toMatchObject({ ok: false, code: 'MODEL_FILE_MISSING' });
  expect(missing.ok ? '' : missing.message).toContain('hearth-demo/no-such-model');
  // The tokenizer file served as the graph: real bytes, wrong format.
  const malformed = await page.evaluate((o) => harness.open('y', o), {
    model,
    device: 'wasm' as const,
    modelFile: 'tokenizer.json',
  });
  expect(malformed).toMatchObject({ ok: false, code: 'MODEL_FILE_MALFORMED' });
});

test('cancelling mid-batch stops with ABORTED and the worker serves the next call', async ({ page }) => {
  valueOf(await page.evaluate((o) => harness.open('c', o), { model, device: 'wasm' as const, batchSize: 2 }));
  // Long texts (cut to 128 tokens) so the whole job takes far longer than a page round trip.
  const long = reference.texts.find((entry) => entry.untruncated_length > reference.max_length)!.text;
  const many = Array.from({ length: 400 }, (_, i) => `passage ${i}: ${long}`);
  const { result, loaded } = await page.evaluate((t) => harness.embedAndAbort('c', t, 4), many);
  expect(result, JSON.stringify(loaded)).toMatchObject({ ok: false, code: 'ABORTED' });
  expect(Math.max(...loaded)).toBeLessThan(many.length);
  const after = valueOf(await page.evaluate((t) => harness.embed('c', t), [texts[0]!.text]));
  expect(maxAbsDiff(after.vectors[0]!, texts[0]!.mean)).toBeLessThan(1e-4);
});
