import { toHearthError } from '../../core/errors.ts';
import type { AnswerPhase } from './chat-message.ts';
import { contextStartAfter, sentMessages } from './context-window.ts';
import type { Conversation, StoredMessage } from './conversation.ts';
import type { ChatCompletionRequest, ChatEngineLink, EngineCapabilities } from './engine-link.ts';
import { groundAnswer } from './grounding.ts';

/** What the view shows while an answer is written: the streaming element and the phase line under it. */
export interface AnswerStreamHooks {
  phase(phase: AnswerPhase): void;
  /** The engine is open: what it can do (its context length shows in the meter). */
  opened(capabilities: EngineCapabilities): void;
  /** The answer's sources were attached. */
  sourcesChanged(): void;
  delta(text: string): void;
}

/** The request for the next answer: the system prompt, the messages that still fit, the sampling settings. */
export function answerRequest(conversation: Conversation): ChatCompletionRequest {
  const history = sentMessages(conversation).map((m) => ({ role: m.role, content: m.content }));
  const { temperature, top_p, max_tokens, seed } = conversation.sampling;
  return {
    messages: conversation.systemPrompt
      ? [{ role: 'system', content: conversation.systemPrompt }, ...history]
      : history,
    temperature,
    top_p,
    max_tokens,
    ...(seed === undefined ? {} : { seed }),
    ...(conversation.adapter ? { adapter: conversation.adapter } : {}),
  };
}

export interface AnswerJob {
  engine: ChatEngineLink;
  conversation: Conversation;
  /** The message being written, already appended to the conversation. */
  answer: StoredMessage;
  request: ChatCompletionRequest;
  /** The messages `request` was built from (the engine's count of dropped messages refers to them). */
  sent: StoredMessage[];
  signal: AbortSignal;
}

/**
 * Writes `answer` from the engine: opens it (loading the model on first use), grounds the request,
 * streams the text in, and keeps the stats and the context window the engine reports. It never
 * throws: how the answer ended (stop, abort, error and its words) is written on the answer.
 */
export async function streamAnswer(job: AnswerJob, hooks: AnswerStreamHooks): Promise<void> {
  const { engine, conversation, answer, request, sent, signal } = job;
  try {
    const capabilities = await engine.open({
      signal,
      onProgress: (progress) => hooks.phase({ kind: 'loading', progress }),
    });
    hooks.opened(capabilities);
    hooks.phase({ kind: 'waiting' });
    const grounded = await groundAnswer(conversation.grounding, request, capabilities.contextLength);
    answer.sources = grounded.sources;
    hooks.sourcesChanged();
    if (signal.aborted) throw signal.reason;
    const stream = await engine.stream({ ...grounded.request, signal });
    for await (const chunk of stream) {
      // Stop freezes the answer where it is: chunks already on their way are not shown.
      if (signal.aborted) break;
      const choice = chunk.choices[0];
      const delta = choice?.delta.content;
      if (delta) {
        if (!answer.content) hooks.phase({ kind: 'writing' });
        answer.content += delta;
        hooks.delta(delta);
      }
      if (choice?.finish_reason) answer.finish = choice.finish_reason;
      const usage = chunk.usage;
      if (usage) {
        answer.stats = {
          model: chunk.model || capabilities.modelId,
          adapter: request.adapter ?? null,
          device: capabilities.device,
          ttftMs: usage.timings.ttft_ms,
          decodeTokS: usage.timings.decode_tok_s,
          promptTokens: usage.prompt_tokens,
          completionTokens: usage.completion_tokens,
          cachedPromptTokens: usage.cached_prompt_tokens,
          totalMs: usage.timings.total_ms,
        };
        conversation.contextTokens = usage.total_tokens;
        conversation.contextStart = contextStartAfter(sent, usage.dropped_messages ?? 0);
      }
    }
    answer.finish = signal.aborted ? 'abort' : (answer.finish ?? 'stop');
  } catch (error) {
    if (signal.aborted) answer.finish = 'abort';
    else {
      answer.finish = 'error';
      answer.error = failureText(error);
    }
  }
}

function failureText(error: unknown): string {
  const failure = toHearthError(error);
  if (failure.code === 'WORKER_FAILED')
    return 'The model stopped unexpectedly (its worker ended). Press Try again to restart it.';
  return `The answer failed: ${failure.message}`;
}
