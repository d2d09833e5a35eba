/** OpenAI Agents JS (`@openai/agents-core`) on a Hearth model: its `Model` and `ModelProvider`. */
export { HearthModel, HearthModelProvider, type HearthModelOptions } from './hearth-model.ts';
export type { HearthFields } from '../hearth-fields.ts';
export type { HearthChatSource } from '../chat-source.ts';
