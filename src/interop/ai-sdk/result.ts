import type {
  LanguageModelV4FinishReason,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import type { FinishReason, Usage } from '../../engines/llm/contract.ts';

const unified: Record<FinishReason, LanguageModelV4FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  abort: 'other',
};

export function toFinishReason(reason: FinishReason | null | undefined): LanguageModelV4FinishReason {
  return { unified: reason ? unified[reason] : 'other', raw: reason ?? undefined };
}

/** Hearth's usage in the AI SDK's terms: prefix-cache hits are cache reads; nothing is a cache write. */
export function toAiSdkUsage(usage: Usage | undefined): LanguageModelV4Usage {
  if (!usage) {
    return {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
  return {
    inputTokens: {
      total: usage.prompt_tokens,
      noCache: usage.prompt_tokens - usage.cached_prompt_tokens,
      cacheRead: usage.cached_prompt_tokens,
      cacheWrite: undefined,
    },
    outputTokens: { total: usage.completion_tokens, text: usage.completion_tokens, reasoning: undefined },
    raw: {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.total_tokens,
      cached_prompt_tokens: usage.cached_prompt_tokens,
    },
  };
}

/** What the engine measured, under `providerMetadata.hearth`. */
export function toProviderMetadata(usage: Usage | undefined): SharedV4ProviderMetadata | undefined {
  if (!usage) return undefined;
  const { ttft_ms, prefill_tok_s, decode_tok_s, total_ms } = usage.timings;
  return {
    hearth: {
      ttftMs: ttft_ms,
      prefillTokensPerSecond: prefill_tok_s,
      decodeTokensPerSecond: decode_tok_s,
      totalMs: total_ms,
      ...(usage.dropped_messages !== undefined && { droppedMessages: usage.dropped_messages }),
    },
  };
}
