import { AutoModelForCausalLM, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { exposeApi } from '../../src/core/rpc/index.ts';
import { configureTransformers } from '../lib/transformers-env.ts';

/**
 * transformers.js's causal LM on the same local ONNX file, in its own worker (ORT's thread count is
 * fixed per realm, as for Hearth's worker). It uses its own onnxruntime-web, served from its nested
 * node_modules since there is no CDN here.
 */
export interface GenerationTiming {
  promptTokens: number;
  newTokens: number;
  ttftMs: number;
  /** From the first new token to the last. */
  decodeMs: number;
}

class TransformersLlmBench {
  private model: PreTrainedModel | undefined;

  async load(options: {
    threads: number;
    modelRoot: string;
    dtype: 'fp32' | 'q4';
  }): Promise<{ ortVersion: string | undefined }> {
    const ortVersion = configureTransformers(options);
    this.model = await AutoModelForCausalLM.from_pretrained('main', { device: 'wasm', dtype: options.dtype });
    return { ortVersion: ortVersion() };
  }

  /** Greedy, batch 1, exactly `newTokens` new tokens (EOS suppressed by min_new_tokens). */
  async generate(ids: number[], newTokens: number): Promise<GenerationTiming> {
    if (!this.model) throw new Error('load() first');
    const input_ids = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const stamps: number[] = [];
    let puts = 0;
    let generated = 0;
    const streamer = {
      put: () => {
        // The first put is the prompt; each later one is a new token.
        if (puts++ > 0) {
          generated++;
          stamps.push(performance.now());
        }
      },
      end: () => undefined,
    };
    const start = performance.now();
    await this.model.generate({
      input_ids,
      attention_mask,
      max_new_tokens: newTokens,
      min_new_tokens: newTokens,
      do_sample: false,
      streamer,
    } as unknown as Parameters<PreTrainedModel['generate']>[0]);
    return {
      promptTokens: ids.length,
      newTokens: generated,
      ttftMs: stamps[0]! - start,
      decodeMs: stamps.at(-1)! - stamps[0]!,
    };
  }
}

exposeApi(new TransformersLlmBench(), ['load', 'generate']);
