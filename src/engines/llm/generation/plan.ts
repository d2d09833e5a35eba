import type { ChatCompletionRequest } from '../contract.ts';
import type { LogitsProcessor, OutputParser } from '../generation-hooks.ts';
import type { SamplingParams } from '../sampling/sampler.ts';
import type { VocabType } from '../text/tokenizer.ts';

/** Everything one generation needs, decided before the first forward pass. */
export interface GenerationPlan {
  /** The whole prompt, for repetition penalties and the cache record. */
  promptIds: number[];
  maxNewTokens: number;
  sampling: SamplingParams;
  seed: number;
  stop: string[];
  eosTokenIds: ReadonlySet<number>;
  /** Masks logits before each sample (constrained decoding); advanced with each chosen token. */
  logitsProcessor?: LogitsProcessor;
  /** Splits decoded text into content and tool calls. */
  outputParser?: OutputParser;
  signal?: AbortSignal;
  /** Messages dropped from the front of the conversation to fit the context (reported in usage). */
  droppedMessages?: number;
}

/** What tool-call and grammar code may know of the model's tokenizer. */
export interface HookContext {
  vocabulary(): string[];
  vocabType(): VocabType;
  eosTokenIds: ReadonlySet<number>;
  encode(text: string): number[];
  decode(ids: number[]): string;
}

export interface GenerationHooks {
  logitsProcessor?: LogitsProcessor;
  outputParser?: OutputParser;
}

/**
 * Built per request by the tools/grammar layer: given `tools`, `tool_choice` and `response_format`,
 * returns the processor and parser the decode loop should use (or none).
 */
export type GenerationHooksFactory = (
  request: ChatCompletionRequest,
  context: HookContext,
) => GenerationHooks | Promise<GenerationHooks>;
