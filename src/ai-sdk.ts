/**
 * `@hearth-runtime/hearth/ai-sdk`: Hearth's local chat models as an AI SDK language model
 * (specification v4, what `ai` 7 takes; `@ai-sdk/provider` is a peer dependency for its types).
 *
 * ```ts
 * import { generateText } from 'ai';
 * import { HearthLanguageModel } from '@hearth-runtime/hearth/ai-sdk';
 *
 * const { text } = await generateText({ model: new HearthLanguageModel(hearth.chat), prompt: 'What is Hearth?' });
 * ```
 */
export {
  HearthLanguageModel,
  type HearthChatSource,
  type HearthFields,
  type HearthLanguageModelOptions,
} from './interop/ai-sdk/index.ts';
