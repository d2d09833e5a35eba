import type { ToolCallDelta } from './contract.ts';

/**
 * Seams between the decoding loop (ort/) and what shapes its output (tools/, grammar/):
 * the loop asks a processor to mask logits before each sample, and feeds decoded text to a parser
 * that separates plain content from tool calls.
 */
export interface LogitsProcessor {
  /** Before sampling: set the logits of tokens that are not allowed now to -Infinity (in place). */
  process(logits: Float32Array): void;
  /** After sampling: advance the constraint with the chosen token. */
  accept(tokenId: number): void;
  /** True once the constraint is satisfied and nothing more may be generated. */
  isComplete(): boolean;
  dispose(): void;
}

export type OutputEvent = { type: 'content'; text: string } | { type: 'tool_call'; delta: ToolCallDelta };

/** Incremental: `push` takes decoded text in arbitrary pieces; `finish` flushes what is held back. */
export interface OutputParser {
  push(text: string): OutputEvent[];
  finish(): OutputEvent[];
}
