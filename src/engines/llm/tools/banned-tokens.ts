import type { LogitsProcessor } from '../generation-hooks.ts';

/**
 * Tokens that may never be sampled. With `tool_choice: 'none'` the prompt still describes the tools,
 * so a model may try to open a call anyway: masking the token that opens one keeps it to text.
 */
export class BannedTokens implements LogitsProcessor {
  constructor(private readonly ids: readonly number[]) {}

  process(logits: Float32Array): void {
    for (const id of this.ids) if (id < logits.length) logits[id] = -Infinity;
  }

  accept(): void {}

  isComplete(): boolean {
    return false;
  }

  dispose(): void {}
}
