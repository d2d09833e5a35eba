import { createHearth } from '../../../src/index.ts';

// An app that already has Hearth's runtime (and so zod) loaded, and loads each agent library only
// when asked: what run.ts measures is what each of those lazy imports adds.
const hearth = createHearth({
  chat: { backend: 'ort', model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-llama-chat' } },
});

Object.assign(globalThis, {
  loadAgentsCore: async () => (await import('./agents-core.ts')).runAgent(hearth.chat),
  loadAiSdk: async () => (await import('./ai-sdk.ts')).generate(hearth.chat),
});
