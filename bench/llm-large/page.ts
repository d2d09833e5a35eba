import type { WeightsReport } from '../../src/engines/llm/contract.ts';
import { ChatTemplate } from '../../src/engines/llm/text/chat-template.ts';
import { loadChatTokenizer } from '../../src/engines/llm/text/tokenizer.ts';
import { httpModelFiles } from '../../src/models/http-model-files.ts';
import { createChat, type ChatHandle } from '../../src/runtime/chat.ts';
import { promptIds, promptOfLength } from '../llm/prompts.ts';

const MODELS = '/bench/.models';
let chat: ChatHandle | undefined;

export interface LargeLoadResult {
  loadMs: number;
  threads: number;
  weights: WeightsReport | undefined;
  deviceReason: string;
}

export interface LargeRunResult {
  promptTokens: number;
  newTokens: number;
  prefillTokS: number;
  decodeTokS: number;
}

/** Loads the model in a fresh LLM worker (read over HTTP, not stored), q4 on WASM. */
async function load(options: { modelId: string; threads: number }): Promise<LargeLoadResult> {
  chat?.dispose();
  const started = performance.now();
  chat = await createChat({
    backend: 'ort',
    model: { baseUrl: MODELS, modelId: options.modelId },
    device: 'wasm',
    dtype: 'q4',
    threads: options.threads,
    store: false,
  });
  const capabilities = await chat.capabilities();
  return {
    loadMs: performance.now() - started,
    threads: capabilities.threads ?? -1,
    weights: capabilities.weights,
    deviceReason: capabilities.deviceReason,
  };
}

/** A warm-up, then one greedy generation of exactly `newTokens` (EOS suppressed) after a `promptTokens` prompt. */
async function generate(options: {
  modelId: string;
  promptTokens: number;
  newTokens: number;
}): Promise<LargeRunResult> {
  if (!chat) throw new Error('load first');
  const tokenizer = await loadChatTokenizer(httpModelFiles(MODELS, options.modelId));
  const tools = { tokenizer, template: new ChatTemplate(tokenizer.config) };
  const tag = `large ${Date.now()}`;
  const prompt = promptOfLength(tools, options.promptTokens, tag);
  const noEos = Object.fromEntries([...tokenizer.eosTokenIds].map((id) => [String(id), -100]));
  await chat.completions.create({
    messages: [{ role: 'user', content: `Warm-up ${tag}.` }],
    max_tokens: 4,
    temperature: 0,
  });
  const result = await chat.completions.create({
    messages: prompt,
    max_tokens: options.newTokens,
    temperature: 0,
    logit_bias: noEos,
  });
  return {
    promptTokens: promptIds(tools, prompt).length,
    newTokens: result.usage.completion_tokens,
    prefillTokS: result.usage.timings.prefill_tok_s,
    decodeTokS: result.usage.timings.decode_tok_s,
  };
}

function dispose(): void {
  chat?.dispose();
  chat = undefined;
}

Object.assign(globalThis, { harness: { load, generate, dispose, isolated: globalThis.crossOriginIsolated } });
