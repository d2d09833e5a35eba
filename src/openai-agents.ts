/**
 * `@hearth-runtime/hearth/openai-agents`: OpenAI Agents JS (`@openai/agents-core`, a peer
 * dependency) on Hearth's local chat models.
 *
 * ```ts
 * import { Agent, run } from '@openai/agents-core';
 * import { HearthModel } from '@hearth-runtime/hearth/openai-agents';
 *
 * const agent = new Agent({ name: 'helper', instructions: 'Be brief.', model: new HearthModel(hearth.chat) });
 * const result = await run(agent, 'What is Hearth?');
 * ```
 */
export {
  HearthModel,
  HearthModelProvider,
  type HearthChatSource,
  type HearthFields,
  type HearthModelOptions,
} from './interop/openai-agents/index.ts';
