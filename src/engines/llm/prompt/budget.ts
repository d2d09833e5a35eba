import { HearthError } from '../../../core/errors.ts';
import type { ChatMessage } from '../contract.ts';

export type OverflowPolicy = 'error' | 'truncate-oldest';

export interface BudgetInput {
  messages: ChatMessage[];
  /** Renders and tokenises messages into the prompt ids (template included). */
  encode(messages: ChatMessage[]): number[];
  contextLength: number;
  /** Tokens asked for (`max_tokens`); undefined: as many as the context allows. */
  maxNewTokens: number | undefined;
  /** Room kept for the answer when dropping turns and `max_tokens` is not set. */
  defaultReserve: number;
  policy: OverflowPolicy;
}

export interface FittedPrompt {
  ids: number[];
  messages: ChatMessage[];
  /** How many messages were dropped from the front of the conversation. */
  droppedMessages: number;
  /** New tokens allowed: `max_tokens` if it fits, else what is left of the context. */
  maxNewTokens: number;
}

/**
 * Makes the prompt fit the context window. The prompt must leave room for at least one new token;
 * `max_tokens` is clamped to what is left (the completion then ends with finish_reason 'length').
 * With 'truncate-oldest', whole turns are dropped from the front (the leading system message and the
 * last message are always kept) until the prompt plus the reserve fits. Never cuts inside a message.
 */
export function fitPrompt(input: BudgetInput): FittedPrompt {
  const { messages, contextLength, policy } = input;
  const reserve = Math.max(1, Math.min(input.maxNewTokens ?? input.defaultReserve, contextLength - 1));
  let ids = input.encode(messages);
  if (ids.length + 1 <= contextLength && (policy === 'error' || ids.length + reserve <= contextLength)) {
    return done(ids, messages, 0, contextLength, input.maxNewTokens);
  }
  if (policy === 'error') throw overflow(ids.length, contextLength);

  const head = messages[0]?.role === 'system' ? 1 : 0;
  let kept = messages;
  for (let drop = 1; head + drop < messages.length; drop++) {
    kept = [...messages.slice(0, head), ...messages.slice(head + drop)];
    // Never start the remaining history with a tool result whose call was dropped.
    if (kept[head]?.role === 'tool' || kept[head]?.role === 'assistant') continue;
    ids = input.encode(kept);
    if (ids.length + reserve <= contextLength)
      return done(ids, kept, drop, contextLength, input.maxNewTokens);
  }
  ids = input.encode(kept);
  if (ids.length + 1 <= contextLength) {
    return done(ids, kept, messages.length - kept.length, contextLength, input.maxNewTokens);
  }
  throw overflow(ids.length, contextLength, true);
}

function done(
  ids: number[],
  messages: ChatMessage[],
  droppedMessages: number,
  contextLength: number,
  asked: number | undefined,
): FittedPrompt {
  const room = contextLength - ids.length;
  return { ids, messages, droppedMessages, maxNewTokens: Math.min(asked ?? room, room) };
}

function overflow(promptTokens: number, contextLength: number, afterTruncation = false): HearthError {
  return new HearthError(
    'CONTEXT_OVERFLOW',
    afterTruncation
      ? `Even with older turns dropped, the prompt needs ${promptTokens} tokens and the model's context holds ${contextLength}. Shorten the system prompt or the last message.`
      : `The prompt needs ${promptTokens} tokens and the model's context holds ${contextLength}. Shorten the conversation, or load the model with overflow: 'truncate-oldest'.`,
    { details: { promptTokens, contextLength } },
  );
}
