import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import type { ChatCompletionChunk, FinishReason, Usage } from '../../engines/llm/contract.ts';
import { asAbortReason } from '../abort.ts';
import { toFinishReason, toProviderMetadata, toAiSdkUsage } from './result.ts';

interface StreamOptions {
  warnings: SharedV4Warning[];
  includeRawChunks: boolean;
  /** The call's signal: a stream it stops errors with the signal's reason, as fetch's body would. */
  signal: AbortSignal;
  /** Stops generation in the engine when the reader cancels the stream. */
  cancel: () => void;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  started: boolean;
}

/** Hearth's chunks as the AI SDK's stream parts, read from the engine only as fast as they are pulled. */
export function toStreamParts(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: StreamOptions,
): ReadableStream<LanguageModelV4StreamPart> {
  const parts = streamParts(chunks, options);
  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      try {
        const next = await parts.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(asAbortReason(error, options.signal));
      }
    },
    async cancel() {
      options.cancel();
      await parts.return(undefined);
    },
  });
}

async function* streamParts(
  chunks: AsyncIterable<ChatCompletionChunk>,
  { warnings, includeRawChunks }: StreamOptions,
): AsyncGenerator<LanguageModelV4StreamPart> {
  yield { type: 'stream-start', warnings };
  const textId = 'text-0';
  let textOpen = false;
  let metadataSent = false;
  let usage: Usage | undefined;
  let finish: FinishReason | null = null;
  const calls = new Map<number, PendingCall>();
  for await (const chunk of chunks) {
    if (!metadataSent) {
      metadataSent = true;
      yield {
        type: 'response-metadata',
        id: chunk.id,
        timestamp: new Date(chunk.created * 1000),
        modelId: chunk.model,
      };
    }
    if (includeRawChunks) yield { type: 'raw', rawValue: chunk };
    usage = chunk.usage ?? usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    finish = choice.finish_reason ?? finish;
    if (choice.delta.content) {
      if (!textOpen) yield { type: 'text-start', id: textId };
      textOpen = true;
      yield { type: 'text-delta', id: textId, delta: choice.delta.content };
    }
    for (const delta of choice.delta.tool_calls ?? []) {
      let call = calls.get(delta.index);
      if (!call) calls.set(delta.index, (call = { id: '', name: '', arguments: '', started: false }));
      if (delta.id) call.id = delta.id;
      call.name += delta.function?.name ?? '';
      const piece = delta.function?.arguments ?? '';
      call.arguments += piece;
      if (!call.started && call.id && call.name) {
        call.started = true;
        yield { type: 'tool-input-start', id: call.id, toolName: call.name };
        // Arguments that came before the call's name are sent as one delta once it is known.
        if (call.arguments) yield { type: 'tool-input-delta', id: call.id, delta: call.arguments };
      } else if (call.started && piece) {
        yield { type: 'tool-input-delta', id: call.id, delta: piece };
      }
    }
  }
  if (textOpen) yield { type: 'text-end', id: textId };
  for (const call of calls.values()) {
    if (!call.started) yield { type: 'tool-input-start', id: call.id, toolName: call.name };
    yield { type: 'tool-input-end', id: call.id };
    yield { type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.arguments || '{}' };
  }
  const providerMetadata = toProviderMetadata(usage);
  yield {
    type: 'finish',
    usage: toAiSdkUsage(usage),
    finishReason: toFinishReason(finish),
    ...(providerMetadata && { providerMetadata }),
  };
}
