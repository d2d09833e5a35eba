/**
 * The validation worker thread: validates datasets sent by `ValidationPool`, so parsing, rendering and
 * tokenizing a 100 MB file never hold the server's event loop. One tokenizer per base model, loaded once.
 */
import { parentPort } from 'node:worker_threads';
import { isHearthError } from '../../src/core/errors.ts';
import { HttpError } from '../http/errors.ts';
import { createChatTokens, type ChatTokens } from './chat-tokens.ts';
import { validateDataset } from './validate.ts';
import type { FromWorker, ToWorker } from './validation-pool.ts';

const port = parentPort!;
const tokensByModel = new Map<string, ChatTokens>();
const running = new Map<number, AbortController>();

function tokensFor(modelDir: string): ChatTokens {
  let tokens = tokensByModel.get(modelDir);
  if (!tokens) tokensByModel.set(modelDir, (tokens = createChatTokens(modelDir)));
  return tokens;
}

async function run(task: Extract<ToWorker, { type: 'validate' }>): Promise<void> {
  const controller = new AbortController();
  running.set(task.id, controller);
  try {
    const report = await validateDataset(task.filePath, {
      maxTokens: task.maxTokens,
      tokens: tokensFor(task.modelDir),
      minExamples: task.minExamples,
      signal: controller.signal,
    });
    port.postMessage({ type: 'report', id: task.id, report } satisfies FromWorker);
  } catch (error) {
    const failure = {
      name: (error as Error)?.name ?? 'Error',
      message: (error as Error)?.message ?? String(error),
      code: (error as { code?: unknown })?.code,
      hearth: isHearthError(error),
      status: error instanceof HttpError ? error.status : undefined,
    };
    port.postMessage({
      type: 'error',
      id: task.id,
      error: { ...failure, code: typeof failure.code === 'string' ? failure.code : undefined },
    } satisfies FromWorker);
  } finally {
    running.delete(task.id);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') running.get(message.id)?.abort();
  else void run(message);
});
