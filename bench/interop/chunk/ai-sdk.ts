// `ai` is installed apart, in tests/ai-sdk (its package.json says why), so it is named by path here.
import {
  generateText,
  jsonSchema,
  streamText,
  tool,
} from '../../../tests/ai-sdk/node_modules/ai/dist/index.js';
import { HearthLanguageModel } from '../../../src/interop/ai-sdk/index.ts';
import type { HearthChatSource } from '../../../src/interop/ai-sdk/index.ts';

/** What an app uses of the AI SDK: generateText and streamText with a tool. */
export async function generate(chat: HearthChatSource) {
  const model = new HearthLanguageModel(chat);
  const tools = {
    weather: tool({
      inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }),
      execute: async ({ city }) => `sunny in ${city}`,
    }),
  };
  const first = await generateText({ model, tools, prompt: 'Weather in Oslo?' });
  const stream = streamText({ model, tools, prompt: first.text });
  return stream.text;
}
