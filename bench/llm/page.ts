import { connectApi } from '../../src/core/rpc/index.ts';
import type { ChatMessage } from '../../src/engines/llm/contract.ts';
import { ChatTemplate } from '../../src/engines/llm/text/chat-template.ts';
import { loadChatTokenizer } from '../../src/engines/llm/text/tokenizer.ts';
import { httpModelFiles } from '../../src/models/http-model-files.ts';
import { createChat } from '../../src/runtime/chat.ts';
import { historyOfLength, promptIds, promptOfLength, type PromptTools } from './prompts.ts';
import type { GenerationTiming } from './transformers.worker.ts';

interface TransformersLlmBench {
  load(options: {
    threads: number;
    modelRoot: string;
    dtype: 'fp32' | 'q4';
  }): Promise<{ ortVersion: string | undefined }>;
  generate(ids: number[], newTokens: number): Promise<GenerationTiming>;
}

export interface LlmBenchConfig {
  modelId: string;
  dtype: 'fp32' | 'q4';
  threads: number;
  promptTokens: number;
  newTokens: number;
  historyTokens: number;
  /** Hearth alone (transformers.js skipped): for comparing two builds of Hearth, where only its numbers matter. */
  hearthOnly?: boolean;
}

export interface LlmBenchResult {
  ours_prefill_tok_s: number;
  transformersjs_prefill_tok_s: number;
  ours_decode_tok_s: number;
  transformersjs_decode_tok_s: number;
  ttft_turn1_ms: number;
  ttft_turn2_ms: number;
  /** What actually ran, for the log. */
  ours_threads: number;
  prompt_tokens: number;
  ours_new_tokens: number;
  transformersjs_new_tokens: number;
  history_tokens: number;
  turn2_cached_tokens: number;
  transformers_ort: string | undefined;
  /** How Hearth ran the weights (capabilities().weights). */
  ours_weights_path: string;
  ours_weights_resident: number;
  ours_weights_file: number;
  /** The engine's peak during load (files + heap), WASM decoder only. */
  ours_load_peak: number;
}

const MODELS = '/bench/.models';

async function promptTools(modelId: string): Promise<PromptTools> {
  const tokenizer = await loadChatTokenizer(httpModelFiles(MODELS, modelId));
  return { tokenizer, template: new ChatTemplate(tokenizer.config) };
}

/** One configuration: each library in its own fresh worker, a warm-up generation, then the timed ones. */
async function run(config: LlmBenchConfig): Promise<LlmBenchResult> {
  const tools = await promptTools(config.modelId);
  const run = `${config.dtype}-${config.threads}-${Date.now()}`;
  const prompt = promptOfLength(tools, config.promptTokens, `prompt ${run}`);
  const ids = promptIds(tools, prompt);
  const warmup: ChatMessage[] = [{ role: 'user', content: `Warm-up ${run}.` }];
  // Exactly `newTokens` for both: EOS can never be picked (-100 on every EOS id; transformers.js: min_new_tokens).
  const noEos = Object.fromEntries([...tools.tokenizer.eosTokenIds].map((id) => [String(id), -100]));

  const ours = await createChat({
    backend: 'ort',
    model: { baseUrl: MODELS, modelId: config.modelId },
    device: 'wasm',
    dtype: config.dtype,
    threads: config.threads,
    // Read straight over HTTP, as transformers.js does here: no copy into the device's storage.
    store: false,
  });
  let oursResult;
  let turn1Ms: number;
  let turn2Ms: number;
  let turn2Cached: number;
  let historyTokens: number;
  let oursThreads: number;
  let weights;
  try {
    const capabilities = await ours.capabilities();
    oursThreads = capabilities.threads ?? -1;
    weights = capabilities.weights;
    await ours.completions.create({ messages: warmup, max_tokens: 4, temperature: 0 });
    oursResult = await ours.completions.create({
      messages: prompt,
      max_tokens: config.newTokens,
      temperature: 0,
      logit_bias: noEos,
    });

    // Second turn of a conversation: the history is in the KV cache, only the new turn is prefilled.
    const history = historyOfLength(tools, config.historyTokens, `history ${run}`);
    historyTokens = promptIds(tools, history).length;
    let started = performance.now();
    const first = await ours.completions.create({ messages: history, max_tokens: 1, temperature: 0 });
    turn1Ms = performance.now() - started;
    const next: ChatMessage[] = [
      ...history,
      { role: 'assistant', content: first.choices[0]!.message.content ?? '' },
      { role: 'user', content: 'Tell me more about the cache.' },
    ];
    started = performance.now();
    const second = await ours.completions.create({ messages: next, max_tokens: 1, temperature: 0 });
    turn2Ms = performance.now() - started;
    turn2Cached = second.usage.cached_prompt_tokens;
  } finally {
    ours.dispose();
  }

  let theirResult: GenerationTiming = {
    promptTokens: Number.NaN,
    newTokens: Number.NaN,
    ttftMs: 1,
    decodeMs: 1,
  };
  let ortVersion: string | undefined;
  if (!config.hearthOnly) {
    const worker = new Worker(new URL('./transformers.worker.ts', import.meta.url), { type: 'module' });
    const theirs = connectApi<TransformersLlmBench>(worker);
    try {
      ({ ortVersion } = await theirs.api.load({
        threads: config.threads,
        modelRoot: `${MODELS}/${config.modelId}/resolve/`,
        dtype: config.dtype,
      }));
      await theirs.api.generate(promptIds(tools, warmup), 4);
      theirResult = await theirs.api.generate(ids, config.newTokens);
    } finally {
      theirs.terminate();
    }
  }

  const usage = oursResult.usage;
  return {
    ours_prefill_tok_s: usage.timings.prefill_tok_s,
    transformersjs_prefill_tok_s: (theirResult.promptTokens * 1000) / theirResult.ttftMs,
    ours_decode_tok_s: usage.timings.decode_tok_s,
    transformersjs_decode_tok_s: ((theirResult.newTokens - 1) * 1000) / theirResult.decodeMs,
    ttft_turn1_ms: turn1Ms,
    ttft_turn2_ms: turn2Ms,
    ours_threads: oursThreads,
    prompt_tokens: ids.length,
    ours_new_tokens: usage.completion_tokens,
    transformersjs_new_tokens: theirResult.newTokens,
    history_tokens: historyTokens,
    turn2_cached_tokens: turn2Cached,
    transformers_ort: ortVersion,
    ours_weights_path: weights?.path ?? 'unknown',
    ours_weights_resident: weights?.residentBytes ?? Number.NaN,
    ours_weights_file: weights?.fileBytes ?? Number.NaN,
    ours_load_peak: weights?.peakLoadBytes ?? Number.NaN,
  };
}

Object.assign(globalThis, { harness: { run, isolated: globalThis.crossOriginIsolated } });
