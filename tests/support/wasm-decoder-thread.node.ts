import { parentPort } from 'node:worker_threads';
import { serveHelper, type HelperStart } from '../../src/engines/llm/wasm-decoder/executor.ts';

// workers/wasm-decoder-thread.worker.ts for Node's worker_threads (the tests' pool).
parentPort!.once('message', (start: HelperStart) =>
  serveHelper(start, () => parentPort!.postMessage('ready')),
);
