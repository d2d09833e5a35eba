import type { ChatMessage } from '../../src/engines/llm/contract.ts';
import type { GenerationHooksFactory } from '../../src/engines/llm/generation/plan.ts';
import type { OrtChatEngine } from '../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';

/**
 * Sees the logits an engine draws its first token from, i.e. the last prompt position's: what the
 * PyTorch references hold. Pass `hooks` when loading the engine, then call `logitsFor`.
 */
export function firstTokenProbe() {
  let first: Float32Array | null = null;
  const hooks: GenerationHooksFactory = () => ({
    logitsProcessor: {
      process: (logits) => void (first ??= logits.slice()),
      accept: () => undefined,
      isComplete: () => false,
      dispose: () => undefined,
    },
  });
  return {
    hooks,
    /** Runs one greedy token of `messages` (under `adapter`, if given) and returns its logits. */
    async logitsFor(engine: OrtChatEngine, messages: ChatMessage[], adapter?: string): Promise<Float32Array> {
      first = null;
      await engine.create({ messages, max_tokens: 1, temperature: 0, ...(adapter ? { adapter } : {}) });
      if (!first) throw new Error('the engine sampled no token');
      return first;
    },
  };
}
