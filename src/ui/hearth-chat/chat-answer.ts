import type { ChatCompletionRequest, EngineCapabilities } from '../../runtime/index.ts';
import { throwIfStopped } from './abortable.ts';
import type { HearthChatConfig } from './config.ts';
import type { HearthChatMessage, Write } from './messages.ts';
import type { EngineLease } from './page-engine.ts';

export interface ChatAnswerContext {
  /** The answer being written: its `finish` and `sources` are set here. */
  answer: HearthChatMessage;
  /** The conversation so far, ending with the question. */
  history: HearthChatMessage[];
  config: HearthChatConfig;
  lease: EngineLease;
  capabilities: EngineCapabilities;
  signal: AbortSignal;
  write: Write;
}

/** An answer of the chat model, with documents and an adapter when they are set. */
export async function chatAnswer(context: ChatAnswerContext): Promise<void> {
  const { answer, config, lease, signal, write } = context;
  let request = requestFor(context.history, config);
  if (config.collection) {
    const grounded = await ground(request, config.collection, context.capabilities, lease);
    request = grounded.request;
    answer.sources = grounded.sources;
  }
  if (config.adapter) request.adapter = await lease.adapterRef(config.adapter);
  throwIfStopped(signal);
  const chat = await lease.chat;
  for await (const chunk of await chat.completions.create({ ...request, signal, stream: true })) {
    if (signal.aborted) break;
    const choice = chunk.choices[0];
    const delta = choice?.delta.content;
    if (delta) write(delta);
    if (choice?.finish_reason) answer.finish = choice.finish_reason;
  }
}

/** The request with the best passages of the collection, numbered for citing (the app's grounding). */
async function ground(
  request: ChatCompletionRequest,
  collection: string,
  capabilities: EngineCapabilities,
  lease: EngineLease,
) {
  const { groundedRequest, numberPassages, passagesPerQuestion } = await import('../chat/grounding.ts');
  const question = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
  const hits = await lease.search(collection, question, passagesPerQuestion);
  const passages = numberPassages(hits);
  return {
    request: groundedRequest(request, passages, capabilities.contextLength),
    sources: passages.map(({ source }) => ({ n: source.n, title: source.title, snippet: source.snippet })),
  };
}

function requestFor(history: HearthChatMessage[], config: HearthChatConfig): ChatCompletionRequest {
  const messages = history.map((m) => ({ role: m.role, content: m.content }));
  const { temperature, top_p, max_tokens, seed } = config.sampling;
  return {
    messages: config.systemPrompt
      ? [{ role: 'system', content: config.systemPrompt }, ...messages]
      : messages,
    temperature,
    top_p,
    max_tokens,
    ...(seed === undefined ? {} : { seed }),
  };
}
