import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { loadDecoder } from '../../../src/engines/llm/onnx-decoder/load-decoder.ts';
import { appendOnlyKv } from '../../../src/engines/llm/onnx-decoder/rewrites/append-only-kv.ts';
import { dequantizeNBits } from '../../../src/engines/llm/onnx-decoder/rewrites/dequantize-nbits.ts';
import { lastPositionLogits } from '../../../src/engines/llm/onnx-decoder/rewrites/last-position-logits.ts';
import { rewriteGraph } from '../../../src/engines/onnx-graph/graph.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { runParity } from './parity-run.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();
const modelDir = resolve(import.meta.dirname, '../../../public/models', tinyChatModelId, 'resolve/main');
const heads = reference.num_key_value_heads;
const dim = reference.head_dim;

function int64(values: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
}

/** Deterministic filler for the unused room of a cache buffer: the graph must never read it. */
function junk(size: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 1e3);
}

describe('append-only KV rewrite (WASM): the cache is fed with room to spare, present.* hold new positions', () => {
  it('gives the same logits as the original graph while present.* carry only the new positions', async () => {
    const original = new Uint8Array(await readFile(resolve(modelDir, 'onnx/model.onnx')));
    const { model: rewritten, counts } = rewriteGraph(original, [appendOnlyKv]);
    expect(counts).toEqual([1]);
    const base = await ort.InferenceSession.create(original, { executionProviders: ['wasm'] });
    const append = await ort.InferenceSession.create(rewritten, { executionProviders: ['wasm'] });
    const pastNames = base.inputNames.filter((name) => name.startsWith('past_key_values'));
    const prompt = [5, 17, 99, 3, 250, 7];
    const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, dim]);
    const first = (session: ort.InferenceSession) =>
      session.run({
        input_ids: int64(prompt),
        attention_mask: int64(prompt.map(() => 1)),
        position_ids: int64(prompt.map((_, i) => i)),
        ...Object.fromEntries(pastNames.map((name) => [name, empty()])),
      });
    const baseOut = await first(base);
    const appendOut = await first(append);
    expect(appendOut.logits!.data).toEqual(baseOut.logits!.data);
    expect(appendOut['present.1.value']!.data).toEqual(baseOut['present.1.value']!.data);

    // Next token: the original takes the cache as it came; the rewritten graph takes it inside a
    // buffer of 64 positions whose unused room holds junk, and returns one position.
    const capacity = 64;
    const padded = (tensor: ort.Tensor) => {
      const data = tensor.data as Float32Array;
      const out = junk(heads * capacity * dim);
      for (let h = 0; h < heads; h++) {
        out.set(data.subarray(h * prompt.length * dim, (h + 1) * prompt.length * dim), h * capacity * dim);
      }
      return new ort.Tensor('float32', out, [1, heads, capacity, dim]);
    };
    const step = {
      input_ids: int64([42]),
      attention_mask: int64([...prompt, 0].map(() => 1)),
      position_ids: int64([prompt.length]),
    };
    const baseNext = await base.run({
      ...step,
      ...Object.fromEntries(
        pastNames.map((name) => [name, baseOut[name.replace('past_key_values', 'present')]!]),
      ),
    });
    const appendNext = await append.run({
      ...step,
      ...Object.fromEntries(
        pastNames.map((name) => [name, padded(appendOut[name.replace('past_key_values', 'present')]!)]),
      ),
    });
    expect(appendNext.logits!.data).toEqual(baseNext.logits!.data);
    const full = baseNext['present.0.key']!;
    const added = appendNext['present.0.key']!;
    expect(full.dims).toEqual([1, heads, prompt.length + 1, dim]);
    expect(added.dims).toEqual([1, heads, 1, dim]);
    for (let h = 0; h < heads; h++) {
      const last = (full.data as Float32Array).subarray(
        (h * (prompt.length + 1) + prompt.length) * dim,
        (h * (prompt.length + 1) + prompt.length + 1) * dim,
      );
      expect(Array.from((added.data as Float32Array).subarray(h * dim, (h + 1) * dim))).toEqual(
        Array.from(last),
      );
    }
    await base.release();
    await append.release();
  });

  it('leaves graphs it does not fit alone (no KV inputs)', async () => {
    const embed = resolve(
      import.meta.dirname,
      '../../../public/models/hearth-demo/tiny-embed/resolve/main/onnx/model.onnx',
    );
    const bytes = new Uint8Array(await readFile(embed));
    const result = rewriteGraph(bytes, [appendOnlyKv]);
    expect(result.counts).toEqual([0]);
    expect(result.model).toBe(bytes);
  });

  it('runs in one pass with the other load-time rewrites (4-bit weights, last-position logits)', async () => {
    const q4 = new Uint8Array(await readFile(resolve(modelDir, 'onnx/model_q4.onnx')));
    const { model, counts } = rewriteGraph(q4, [dequantizeNBits, lastPositionLogits('logits'), appendOnlyKv]);
    expect(counts).toEqual([14, 1, 1]);
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const past = session.inputNames.filter((name) => name.startsWith('past_key_values'));
    const outputs = await session.run({
      input_ids: int64([1, 2, 3]),
      attention_mask: int64([1, 1, 1, 1, 1]),
      position_ids: int64([2, 3, 4]),
      // Two cached positions inside room for 8.
      ...Object.fromEntries(
        past.map((name) => [name, new ort.Tensor('float32', junk(heads * 8 * dim), [1, heads, 8, dim])]),
      ),
    });
    expect(outputs.logits!.dims).toEqual([1, 1, reference.vocab_size]);
    expect(outputs['present.1.key']!.dims).toEqual([1, heads, 3, dim]);
    await session.release();
  });

  it('is what WASM loads by default, and matches PyTorch within 1e-4 as the fed-back cache does', async () => {
    for (const kvCache of ['auto', 'fed-back'] as const) {
      const result = await runParity(fsModelFiles(tinyChatModelId), reference, 'fp32', {
        device: 'wasm',
        threads: 1,
        kvCache,
      });
      expect(result.kvCache).toBe(kvCache === 'auto' ? 'append' : 'fed-back');
      // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
      for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
      expect(result.argmaxMismatches).toEqual([]);
    }
  });

  it('grows past several 128-position steps, truncates to a prefix and goes on: the same logits as the fed-back cache', async () => {
    const files = fsModelFiles(tinyChatModelId);
    const append = await loadDecoder(files, { device: 'wasm', threads: 1, dtype: 'fp32' });
    const fedBack = await loadDecoder(files, {
      device: 'wasm',
      threads: 1,
      dtype: 'fp32',
      kvCache: 'fed-back',
    });
    expect(append.kvCache).toBe('append');
    expect(fedBack.kvCache).toBe('fed-back');
    const tokens = Array.from({ length: 300 }, (_, i) => 3 + ((i * 97) % 1000));
    // 120 tokens at once, then one by one across 128 and 256, with chunks of 5 in between.
    const plan: number[][] = [tokens.slice(0, 120)];
    for (let at = 120; at < 140; at++) plan.push([tokens[at]!]);
    for (let at = 140; at < 250; at += 5) plan.push(tokens.slice(at, at + 5));
    for (let at = 250; at < 300; at++) plan.push([tokens[at]!]);
    const compare = async (ids: number[]) => {
      const [a, b] = [await append.decoder.forward(ids), await fedBack.decoder.forward(ids)];
      expect(Array.from(a)).toEqual(Array.from(b));
    };
    for (const ids of plan) await compare(ids);
    expect(append.decoder.cache.length).toBe(300);

    // A shared prefix of 200, then a different continuation.
    await append.decoder.cache.truncate(200);
    await fedBack.decoder.cache.truncate(200);
    expect(append.decoder.cache.length).toBe(200);
    await compare([11, 12, 13]);
    for (let i = 0; i < 10; i++) await compare([20 + i]);
    append.decoder.cache.reset();
    fedBack.decoder.cache.reset();
    await compare([1, 2, 3, 4]);
    await append.decoder.release();
    await fedBack.decoder.release();
  });
});
