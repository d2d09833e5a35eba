import { Agent, run } from '@openai/agents-core';
import { generateText } from 'ai';
import { createHearth } from '@hearth-runtime/hearth';
import { HearthModel } from '@hearth-runtime/hearth/openai-agents';
import { HearthLanguageModel } from '@hearth-runtime/hearth/ai-sdk';

const hearth = createHearth({
  chat: {
    backend: 'ort',
    model: { baseUrl: new URL('/models', location.href).href, modelId: 'hearth-demo/tiny-llama-chat' },
  },
});

// OpenAI Agents JS: an agent whose model is the local one.
const agent = new Agent({
  name: 'helper',
  instructions: 'Be brief.',
  model: new HearthModel(hearth.chat),
  modelSettings: { maxTokens: 20 },
});
const result = await run(agent, 'What is Hearth?');

// The AI SDK: the same model as a language model.
const { text } = await generateText({
  model: new HearthLanguageModel(hearth.chat),
  prompt: 'What is Hearth?',
  maxOutputTokens: 20,
});

document.body.textContent = JSON.stringify({ agent: result.finalOutput, aiSdk: text });
hearth.dispose();
