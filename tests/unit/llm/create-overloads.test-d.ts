/**
 * Type tests of `chat.completions.create` (ChatCompletionsCreate), checked by `tsc -p .`
 * (npm run typecheck): a wrong overload fails the compile. Vitest does not run this file.
 */
import { expectTypeOf } from 'vitest';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionsCreate,
  ChatEngine,
} from '../../../src/engines/llm/contract.ts';
import type { OrtChatEngine } from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import type { WebLlmChatEngine } from '../../../src/engines/llm/webllm/webllm-chat-engine.ts';
import type { ChatCompletions } from '../../../src/runtime/chat-api.ts';

declare const create: ChatCompletionsCreate;
const messages: ChatCompletionRequest['messages'] = [{ role: 'user', content: 'Hi' }];

// stream: true -> an async iterable of chunks
expectTypeOf(create({ messages, stream: true })).resolves.toEqualTypeOf<AsyncIterable<ChatCompletionChunk>>();
// no stream, or stream: false -> one completion
expectTypeOf(create({ messages })).resolves.toEqualTypeOf<ChatCompletion>();
expectTypeOf(create({ messages, stream: false })).resolves.toEqualTypeOf<ChatCompletion>();
// a stream flag known only at run time -> either
declare const streaming: boolean;
expectTypeOf(create({ messages, stream: streaming })).resolves.toEqualTypeOf<
  ChatCompletion | AsyncIterable<ChatCompletionChunk>
>();
// @ts-expect-error -- a streamed answer is not a ChatCompletion
const wrong: ChatCompletion = await create({ messages, stream: true });
void wrong;

// Every engine and the runtime's client declare exactly these overloads.
expectTypeOf<ChatEngine['create']>().toEqualTypeOf<ChatCompletionsCreate>();
expectTypeOf<OrtChatEngine['create']>().toEqualTypeOf<ChatCompletionsCreate>();
expectTypeOf<WebLlmChatEngine['create']>().toEqualTypeOf<ChatCompletionsCreate>();
expectTypeOf<ChatCompletions['create']>().toEqualTypeOf<ChatCompletionsCreate>();
