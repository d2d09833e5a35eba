import { serveHelper, type HelperStart } from '../src/engines/llm/wasm-decoder/executor.ts';

// One helper thread of Hearth's WASM decoder: started by the LLM worker, it runs its share of every
// forward pass over the decoder's shared memory until the model is unloaded (then it is terminated).
self.addEventListener(
  'message',
  (event: MessageEvent<HelperStart>) => serveHelper(event.data, () => self.postMessage('ready')),
  { once: true },
);
