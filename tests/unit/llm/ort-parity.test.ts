import { describe, expect, it } from 'vitest';
import { loadOrtChatEngine } from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { runParity } from './parity-run.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();

describe.each(['fp32', 'q4'] as const)('ORT decoder on WASM in Node matches PyTorch (%s)', (dtype) => {
  it('prefill and every decode step: logits within 1e-4, same argmax', async () => {
    // ORT itself: 4-bit weights dequantised for it (the WASM decoder has its own tests, wasm-decoder/).
    const result = await runParity(fsModelFiles(tinyChatModelId), reference, dtype, {
      device: 'wasm',
      threads: 1,
      wasmQuantized: 'fp32',
    });
    expect(result.maxDiffs).toHaveLength(reference[dtype].logits.length);
    // Why 1e-4 holds on any x86-64 CPU. Both sides are float32: ORT's WASM kernels (WebAssembly arithmetic is
    // specified bit for bit, so they give the same numbers on every CPU) and PyTorch on OpenBLAS/ATen (whose kernels
    // change with the CPU). A k-term dot product is within γ_k·Σ|w||x| of exact in any summation order, with or
    // without FMA (γ_k ≈ k·2⁻²⁴). The tiny decoder's sums are short (hidden 64, head 16, MLP 128, prompts of a few dozen tokens);
    // at the logits Σ|w||h| ≤ 14.5, so the last projection's worst case is γ_64·14.5 = 5.5e-5 per side, while
    // rounding in blocked and SIMD sums grows like a random walk (√k·2⁻²⁴·14.5 ≈ 7e-6 per side). The float32
    // reference is within 3.2e-6 of a float64 evaluation of the same weights, and it is stored with 7 significant
    // digits (≤ 5e-6 on logits below 100). 1e-4 is ~7× the two sides' random-walk error plus the storage rounding,
    // and ~30× what float32 costs the reference; a strict worst case through both layers would exceed it.
    // The q4 reference is PyTorch on the dequantised weights: the same float32 comparison.
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  it('greedy chat completion gives the reference tokens', async () => {
    const engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype,
      threads: 1,
      wasmQuantized: 'fp32',
    });
    const completion = await engine.create({
      messages: reference.prompt.messages,
      temperature: 0,
      max_tokens: reference[dtype].tokens.length,
    });
    const expected = reference[dtype];
    const eosAt = expected.tokens.findIndex((id) => id === reference.eos_token_id);
    const expectedText = expected.text.replace(/<\|im_end\|>[\s\S]*$/, '');
    expect(completion.choices[0]!.message.content).toBe(expectedText);
    expect(completion.usage.completion_tokens).toBe(eosAt === -1 ? expected.tokens.length : eosAt + 1);
    expect(completion.choices[0]!.finish_reason).toBe(eosAt === -1 ? 'length' : 'stop');
    await engine.unload();
  });
});
