/**
 * Penalties that depend on what was already seen, applied to the logits in place.
 * - repetition (CTRL / Hugging Face semantics): every token in the prompt or the output has its logit
 *   divided by the penalty when positive and multiplied when negative.
 * - frequency / presence (OpenAI semantics): over the generated tokens only,
 *   `logit -= count * frequency + (count > 0 ? presence : 0)`.
 */
export interface PenaltyParams {
  repetitionPenalty: number;
  frequencyPenalty: number;
  presencePenalty: number;
}

/** Token occurrence counts, kept incrementally by the decode loop. */
export class TokenCounts {
  readonly prompt = new Set<number>();
  readonly output = new Map<number, number>();

  constructor(promptIds: Iterable<number> = []) {
    for (const id of promptIds) this.prompt.add(id);
  }

  addOutput(id: number): void {
    this.output.set(id, (this.output.get(id) ?? 0) + 1);
  }
}

export function applyPenalties(logits: Float32Array, counts: TokenCounts, params: PenaltyParams): void {
  const { repetitionPenalty, frequencyPenalty, presencePenalty } = params;
  if (repetitionPenalty !== 1) {
    const seen = new Set<number>(counts.prompt);
    for (const id of counts.output.keys()) seen.add(id);
    for (const id of seen) {
      const value = logits[id];
      if (value === undefined) continue;
      logits[id] = value > 0 ? value / repetitionPenalty : value * repetitionPenalty;
    }
  }
  if (frequencyPenalty !== 0 || presencePenalty !== 0) {
    for (const [id, count] of counts.output) {
      const value = logits[id];
      if (value === undefined) continue;
      logits[id] = value - (count * frequencyPenalty + presencePenalty);
    }
  }
}

export function applyLogitBias(logits: Float32Array, bias: ReadonlyMap<number, number>): void {
  for (const [id, value] of bias) {
    const current = logits[id];
    if (current !== undefined) logits[id] = current + value;
  }
}
