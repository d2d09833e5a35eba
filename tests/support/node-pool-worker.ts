import { Worker } from 'node:worker_threads';
import type { PoolWorker } from '../../src/engines/llm/wasm-decoder/executor.ts';

/** A helper thread of the WASM decoder in Node (worker_threads), shaped like a browser Worker. */
export function nodePoolWorker(): PoolWorker {
  const worker = new Worker(new URL('./wasm-decoder-thread.node.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
  });
  return {
    postMessage: (message) => worker.postMessage(message),
    addEventListener(type, listener) {
      if (type === 'message') worker.on('message', (data: unknown) => listener({ data }));
      else worker.on('error', (error: Error) => listener({ message: error.message }));
    },
    terminate: () => void worker.terminate(),
  };
}
