import { HearthError } from '../../../core/errors.ts';
import type { ChatCompletionRequest } from '../contract.ts';
import { encodeAfterCached } from '../cache/prefix-cache.ts';
import { fitPrompt, type OverflowPolicy } from '../prompt/budget.ts';
import { samplingOf, stopsOf } from '../request.ts';
import { randomSeed } from '../sampling/rng.ts';
import type { ChatTemplate } from '../text/chat-template.ts';
import type { ChatTokenizer } from '../text/tokenizer.ts';
import type { GenerationHooksFactory, GenerationPlan, HookContext } from './plan.ts';

export interface PrepareContext {
  tokenizer: ChatTokenizer;
  template: ChatTemplate;
  vocabSize: number;
  contextLength: number;
  overflow: OverflowPolicy;
  hooks?: GenerationHooksFactory;
  /** Tokens the KV cache holds for this request's key: kept where they spell the prompt's start. */
  cachedTokens?: readonly number[];
}

/** Room kept for the answer when old turns are dropped and the request sets no max_tokens. */
const DEFAULT_RESERVE = 256;

/** From a validated request to a plan: prompt rendered, fitted to the context, sampling and hooks set. */
export async function prepareGeneration(
  request: ChatCompletionRequest,
  context: PrepareContext,
): Promise<GenerationPlan> {
  const { tokenizer, template } = context;
  if (request.tools?.length && !context.hooks) {
    throw new HearthError(
      'UNSUPPORTED',
      'This engine was started without tool-call support; send the request without tools.',
    );
  }
  const format = request.response_format?.type;
  if (format && format !== 'text' && !context.hooks) {
    throw new HearthError(
      'UNSUPPORTED',
      'This engine was started without constrained decoding; send the request without response_format.',
    );
  }
  const fitted = fitPrompt({
    messages: request.messages,
    encode: (messages) =>
      encodeAfterCached(
        template.render(messages, { tools: request.tools, addGenerationPrompt: true }),
        context.cachedTokens ?? [],
        tokenizer,
      ),
    contextLength: context.contextLength,
    maxNewTokens: request.max_tokens,
    defaultReserve: Math.min(DEFAULT_RESERVE, Math.floor(context.contextLength / 4)),
    policy: context.overflow,
  });
  const hookContext: HookContext = {
    vocabulary: () => tokenizer.vocabulary(),
    vocabType: () => tokenizer.vocabType(),
    eosTokenIds: tokenizer.eosTokenIds,
    encode: (text) => tokenizer.encode(text),
    decode: (ids) => tokenizer.decode(ids),
  };
  const hooks = context.hooks ? await context.hooks(request, hookContext) : {};
  return {
    promptIds: fitted.ids,
    maxNewTokens: fitted.maxNewTokens,
    sampling: samplingOf(request, context.vocabSize),
    seed: request.seed ?? randomSeed(),
    stop: stopsOf(request),
    eosTokenIds: tokenizer.eosTokenIds,
    ...hooks,
    ...(request.signal ? { signal: request.signal } : {}),
    droppedMessages: fitted.droppedMessages,
  };
}
