import { createHearth } from '@hearth-runtime/hearth';

// Nothing loads here: the worker starts and the model downloads on the first request.
const hearth = createHearth({
  chat: {
    backend: 'ort',
    model: { baseUrl: new URL('/models', location.href).href, modelId: 'hearth-demo/tiny-llama-chat' },
  },
});

const reply = await hearth.chat.completions.create({
  messages: [{ role: 'user', content: 'What is Hearth?' }],
  max_tokens: 20,
  temperature: 0,
});
document.body.textContent = reply.choices[0]?.message.content ?? '';
hearth.dispose();
