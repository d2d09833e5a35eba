import type { Progress } from '../../../src/core/progress.ts';
import type { EmbedOptions, TruncatedText } from '../../../src/engines/embed/contract.ts';
import {
  createEmbedder,
  type CreateEmbedderOptions,
  type EmbedderHandle,
} from '../../../src/runtime/embedder.ts';

// Drives real embed workers (each `open` starts one); the spec calls these through page.evaluate.
const handles = new Map<string, EmbedderHandle>();

type Outcome<T> = { ok: true; value: T } | { ok: false; code?: string; message: string };

async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { ok: false, code, message };
  }
}

function handle(name: string): EmbedderHandle {
  const found = handles.get(name);
  if (!found) throw new Error(`no embedder named ${name}`);
  return found;
}

async function open(name: string, options: Omit<CreateEmbedderOptions, 'signal' | 'onProgress'>) {
  const progress: Progress[] = [];
  return outcome(async () => {
    const embedder = await createEmbedder({ ...options, onProgress: (p) => progress.push(p) });
    handles.set(name, embedder);
    return { info: await embedder.info(), progress };
  });
}

async function embed(name: string, texts: string[], options: Pick<EmbedOptions, 'kind'> = {}) {
  const truncated: TruncatedText[][] = [];
  return outcome(async () => {
    const vectors = await handle(name).embed(texts, { ...options, onTruncated: (t) => truncated.push(t) });
    // Let fire-and-forget callbacks from the worker arrive before answering.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { vectors: vectors.map((v) => Array.from(v)), truncated };
  });
}

/** Starts a many-batch embed and aborts it after `abortAfter` texts are done. */
async function embedAndAbort(name: string, texts: string[], abortAfter: number) {
  const controller = new AbortController();
  const loaded: number[] = [];
  const result = await outcome(() =>
    handle(name).embed(texts, {
      signal: controller.signal,
      onProgress: (p) => {
        loaded.push(p.loaded);
        if (p.loaded >= abortAfter) controller.abort('stop pressed');
      },
    }),
  );
  return { result: result.ok ? { ok: true } : result, loaded };
}

Object.assign(globalThis, {
  harness: {
    open,
    embed,
    embedAndAbort,
    countTokens: (name: string, texts: string[]) => outcome(() => handle(name).countTokens(texts)),
    close: (name: string) => {
      handles.get(name)?.dispose();
      handles.delete(name);
    },
    pageIsolated: globalThis.crossOriginIsolated,
  },
});
document.title = 'embed harness ready';
