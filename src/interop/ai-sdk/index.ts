/** The AI SDK (`ai` 7) on a Hearth model: a language model of the v4 specification. */
export { HearthLanguageModel, type HearthLanguageModelOptions } from './language-model.ts';
export type { HearthFields } from '../hearth-fields.ts';
export type { HearthChatSource } from '../chat-source.ts';
