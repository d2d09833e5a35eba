import type { ModelFiles } from '../../../src/core/model-files.ts';
import { loadDecoder, type DecoderLoadOptions } from '../../../src/engines/llm/onnx-decoder/load-decoder.ts';
import { argmax } from '../../../src/engines/llm/sampling/sampler.ts';
import type { ChatReference } from './reference.ts';

export interface ParityResult {
  device: string;
  kvCache: 'append' | 'fed-back' | 'paged';
  /** Largest |ours - PyTorch| per step (step 0 is the prefill's last position). */
  maxDiffs: number[];
  /** Steps whose argmax differs from the reference token. */
  argmaxMismatches: number[];
}

/**
 * Prefills the reference prompt, then feeds the reference tokens one by one (teacher forcing), so
 * every step's logits are compared with PyTorch's even if one argmax were to differ.
 * Shared by the Node tests and the browser harness page.
 */
export async function runParity(
  files: ModelFiles,
  reference: ChatReference,
  dtype: 'fp32' | 'q4',
  options: DecoderLoadOptions,
): Promise<ParityResult> {
  const { decoder, device, kvCache } = await loadDecoder(files, { ...options, dtype });
  const expected = reference[dtype];
  const maxDiffs: number[] = [];
  const argmaxMismatches: number[] = [];
  try {
    for (let step = 0; step < expected.logits.length; step++) {
      const logits = await decoder.forward(step === 0 ? reference.prompt.ids : [expected.tokens[step - 1]!]);
      const want = expected.logits[step]!;
      let max = 0;
      for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(logits[i]! - want[i]!));
      maxDiffs.push(max);
      // The last logits follow the last reference token: there is no token to compare them with.
      if (step < expected.tokens.length && argmax(logits) !== expected.tokens[step])
        argmaxMismatches.push(step);
    }
  } finally {
    await decoder.release();
  }
  return { device: device.device, kvCache, maxDiffs, argmaxMismatches };
}
