import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatCompletion, ChatCompletionRequest } from '../../src/engines/llm/contract.ts';
import { GrammarLogitsProcessor, vocabularyFromTokenizerJson } from '../../src/engines/llm/grammar/index.ts';
import { loadOrtChatEngine } from '../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { toolHooksFactory } from '../../src/engines/llm/tools/index.ts';
import { fsModelFiles } from '../../tests/support/fs-model-files.ts';
import { benchSchema } from './bench-schema.ts';
import { benchTokenizerJson, withBenchTokenizer } from './bench-tokenizer.ts';

export interface DecodeSpeed {
  plain_tok_s: number;
  constrained_tok_s: number;
  plain_tokens: number;
  constrained_tokens: number;
  /** Grammar time per constrained token inside the engine (mask + apply), from the processor's own clock. */
  in_loop_mask_ms: number;
}

export async function measureDecodeSpeed(options: {
  modelsRoot: string;
  modelId: string;
  dtype: string;
  tokens: number;
  rounds: number;
}): Promise<DecodeSpeed> {
  const dir = resolve(options.modelsRoot, options.modelId, 'resolve/main');
  const config = JSON.parse(readFileSync(resolve(dir, 'config.json'), 'utf8')) as { vocab_size: number };
  const generation = JSON.parse(readFileSync(resolve(dir, 'generation_config.json'), 'utf8')) as {
    eos_token_id: number[];
  };
  const tokenizer = benchTokenizerJson(config.vocab_size);
  const hooks = toolHooksFactory({
    modelId: options.modelId,
    toolFormat: undefined,
    constrain: true,
    vocabulary: vocabularyFromTokenizerJson(tokenizer, {
      id: `bench:${options.modelId}`,
      vocabSize: config.vocab_size,
      stopTokenIds: generation.eos_token_id,
    }),
  });
  const processors: GrammarLogitsProcessor[] = [];
  const files = withBenchTokenizer(fsModelFiles(options.modelId, { root: options.modelsRoot }), tokenizer);
  const engine = await loadOrtChatEngine(files, {
    device: 'wasm',
    dtype: options.dtype,
    threads: 1,
    hooks: async (request, context) => {
      const made = await hooks(request, context);
      if (made.logitsProcessor instanceof GrammarLogitsProcessor) processors.push(made.logitsProcessor);
      return made;
    },
  });
  // Greedy, and the end-of-turn tokens ruled out, so a plain run lasts `tokens` tokens too.
  const base: ChatCompletionRequest = {
    messages: [{ role: 'user', content: 'Describe the benchmark document as JSON.' }],
    max_tokens: options.tokens,
    temperature: 0,
    logit_bias: Object.fromEntries(generation.eos_token_id.map((id) => [String(id), -100])),
  };
  const constrained: ChatCompletionRequest = {
    ...base,
    response_format: { type: 'json_schema', json_schema: { name: 'bench', schema: benchSchema } },
  };
  try {
    await engine.create({ ...base, max_tokens: 4 }); // warm-up: first-run allocations, prompt in the prefix cache
    await engine.create({ ...constrained, max_tokens: 4 }); // and the grammar compiled
    const plain: ChatCompletion[] = [];
    const masked: ChatCompletion[] = [];
    for (let round = 0; round < options.rounds; round++) {
      plain.push(await engine.create({ ...base, stream: false }));
      masked.push(await engine.create({ ...constrained, stream: false }));
    }
    const rate = (runs: ChatCompletion[]) => median(runs.map((r) => r.usage.timings.decode_tok_s));
    const measured = processors.slice(2); // not the warm-up
    const maskMs = measured.reduce((sum, p) => sum + p.stats.computeMs + p.stats.applyMs, 0);
    const maskTokens = measured.reduce((sum, p) => sum + p.stats.tokens, 0);
    return {
      plain_tok_s: rate(plain),
      constrained_tok_s: rate(masked),
      plain_tokens: plain[0]!.usage.completion_tokens,
      constrained_tokens: masked[0]!.usage.completion_tokens,
      in_loop_mask_ms: maskMs / maskTokens,
    };
  } finally {
    await engine.unload();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
