import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { dequantizeNBits } from '../../../src/engines/llm/onnx-decoder/rewrites/dequantize-nbits.ts';
import { rewriteGraph } from '../../../src/engines/onnx-graph/graph.ts';
import { lastPositionLogits } from '../../../src/engines/llm/onnx-decoder/rewrites/last-position-logits.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { runParity } from './parity-run.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();
const q4Path = resolve(
  import.meta.dirname,
  '../../../public/models',
  tinyChatModelId,
  'resolve/main/onnx/model_q4.onnx',
);

describe('load-time graph rewrites (4-bit weights as fp32 MatMuls, last-position logits)', () => {
  it('replaces every MatMulNBits of the tiny model and slices before the LM head; ORT runs the result', async () => {
    const original = new Uint8Array(await readFile(q4Path));
    const { model, counts } = rewriteGraph(original, [dequantizeNBits, lastPositionLogits('logits')]);
    // 2 layers x 7 projections, and the one LM head
    expect(counts).toEqual([14, 1]);
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n]), [1, 3]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n]), [1, 3]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from([0n, 1n, 2n]), [1, 3]),
    };
    for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values'))) {
      feeds[name] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        reference.num_key_value_heads,
        0,
        reference.head_dim,
      ]);
    }
    const outputs = await session.run(feeds);
    expect(outputs.logits!.dims).toEqual([1, 1, reference.vocab_size]);
    expect(outputs['present.0.key']!.dims).toEqual([1, reference.num_key_value_heads, 3, reference.head_dim]);
    await session.release();
  });

  it('matches the PyTorch reference run with the dequantised q4 weights: 1e-4 at every step, same argmax', async () => {
    const result = await runParity(fsModelFiles(tinyChatModelId), reference, 'q4', {
      device: 'wasm',
      threads: 1,
      wasmQuantized: 'fp32',
    });
    // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  it('the fp32 model with last-position logits still matches its reference within 1e-4', async () => {
    const result = await runParity(fsModelFiles(tinyChatModelId), reference, 'fp32', {
      device: 'wasm',
      threads: 1,
      lastLogitsOnly: true,
    });
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  it('the native MatMulNBits path matches the same reference', async () => {
    const result = await runParity(fsModelFiles(tinyChatModelId), reference, 'q4', {
      device: 'wasm',
      threads: 1,
      wasmQuantized: 'native',
    });
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  it('leaves a model without MatMulNBits byte-for-byte equal', async () => {
    const fp32 = new Uint8Array(await readFile(q4Path.replace('model_q4.onnx', 'model.onnx')));
    const { model, counts } = rewriteGraph(fp32, [dequantizeNBits]);
    expect(counts).toEqual([0]);
    expect(Buffer.from(model).equals(Buffer.from(fp32))).toBe(true);
  });
});
