/**
 * Replaces the chat view's engine with a scripted stream: the given pieces, one chunk each, `delayMs`
 * apart, then a final chunk with `usage`, shaped like the engine's (src/engines/llm/contract.ts).
 * Runs in the page through `page.evaluate(installScriptedEngine, script)`, so it is self-contained.
 */
export interface Script {
  pieces: string[];
  delayMs: number;
}

export async function installScriptedEngine(script: Script): Promise<void> {
  await customElements.whenDefined('hearth-chat-view');
  const shell = document.querySelector('hearth-app');
  const view = shell?.shadowRoot?.querySelector('hearth-chat-view') as
    (HTMLElement & { engine: unknown; updateComplete: Promise<unknown> }) | null;
  if (!view) throw new Error('the chat view is not in the page');
  const capabilities = {
    backend: 'ort',
    device: 'wasm',
    deviceReason: 'scripted stream',
    modelId: 'scripted/stream',
    dtype: 'fp32',
    contextLength: 8192,
    supportsTools: false,
    supportsAdapters: false,
    supportsGrammar: false,
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const chunk = (content: string | undefined, finish: string | null, usage?: unknown) => ({
    id: 'scripted',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted/stream',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  });
  view.engine = {
    open: async () => capabilities,
    stream: async (request: { signal?: AbortSignal }) =>
      (async function* () {
        const started = performance.now();
        for (const piece of script.pieces) {
          if (request.signal?.aborted) {
            yield chunk(undefined, 'abort');
            return;
          }
          await sleep(script.delayMs);
          yield chunk(piece, null);
        }
        const total = performance.now() - started;
        yield chunk(undefined, 'stop', {
          prompt_tokens: 12,
          completion_tokens: script.pieces.length,
          total_tokens: 12 + script.pieces.length,
          cached_prompt_tokens: 0,
          timings: {
            ttft_ms: script.delayMs,
            prefill_tok_s: 0,
            decode_tok_s: (script.pieces.length / total) * 1000,
            total_ms: total,
          },
        });
      })(),
  };
  await view.updateComplete;
}

/** Cuts a text into stream pieces of about one token each (a word, its space, or four letters). */
export function tokenPieces(text: string): string[] {
  return text.match(/\s*[^\s]{1,4}|\s+/g) ?? [];
}
