import type { ChatCompletionsCreate } from '../engines/llm/contract.ts';

/**
 * What the adapters call: `hearth.chat` or a `createChat` handle (`completions.create`), or a
 * `ChatEngine` itself (`create`). Only the chat-completions call is used, so any of them will do.
 */
export type HearthChatSource =
  { completions: { create: ChatCompletionsCreate } } | { create: ChatCompletionsCreate };

export function chatCreate(source: HearthChatSource): ChatCompletionsCreate {
  return 'completions' in source ? source.completions.create : source.create;
}
