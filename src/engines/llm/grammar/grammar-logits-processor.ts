import type { CompiledGrammar, GrammarMatcher } from '@mlc-ai/web-xgrammar';
import { HearthError } from '../../../core/errors.ts';
import type { LogitsProcessor } from '../generation-hooks.ts';
import type { Utf8Guard } from './utf8-guard.ts';
import { loadXGrammar } from './xgrammar-module.ts';

export interface MaskStats {
  /** Tokens masked so far. */
  tokens: number;
  /** Time computing masks (grammar engine) and applying them to the logits, in ms. */
  computeMs: number;
  applyMs: number;
}

/** The matcher's own binding, for the rare mask that is needed before the async one is ready. */
interface MatcherBinding {
  GetNextTokenBitmask(vocabSize: number): { size(): number; get(i: number): number; delete(): void };
}

/**
 * Applies a compiled grammar to the logits: tokens the grammar does not allow next get -Infinity.
 * The engine's mask call is async, the decode loop's hook is not: the next mask is computed right
 * after `accept`, while the loop awaits the model's forward pass, and is ready by `process`.
 * Should `process` come first anyway, the mask is read synchronously (slower, still correct).
 */
export class GrammarLogitsProcessor implements LogitsProcessor {
  private mask: Int32Array | undefined;
  private step = 0;
  private readonly statistics: MaskStats = { tokens: 0, computeMs: 0, applyMs: 0 };

  private constructor(
    private readonly matcher: GrammarMatcher,
    private readonly vocabSize: number,
    private readonly utf8: Utf8Guard | undefined,
  ) {}

  /** `utf8` keeps the output valid UTF-8 where the grammar engine alone would not (see Utf8Guard). */
  static async create(compiled: CompiledGrammar, utf8?: Utf8Guard): Promise<GrammarLogitsProcessor> {
    const xg = await loadXGrammar();
    const matcher = await xg.GrammarMatcher.createGrammarMatcher(compiled);
    const processor = new GrammarLogitsProcessor(matcher, compiled.tokenizerInfo().getVocabSize(), utf8);
    await processor.prefetch();
    return processor;
  }

  get stats(): Readonly<MaskStats> {
    return this.statistics;
  }

  process(logits: Float32Array): void {
    const mask = this.mask ?? this.readMaskNow();
    const start = performance.now();
    applyTokenBitmask(logits, mask, this.vocabSize);
    this.utf8?.process(logits);
    this.statistics.applyMs += performance.now() - start;
    this.statistics.tokens++;
  }

  accept(tokenId: number): void {
    if (!this.matcher.acceptToken(tokenId)) {
      throw new HearthError(
        'GRAMMAR_VIOLATION',
        `Token ${tokenId} breaks the output grammar. Apply the grammar's mask to the logits before sampling.`,
      );
    }
    this.utf8?.accept(tokenId);
    this.mask = undefined;
    this.step++;
    if (!this.matcher.isTerminated()) void this.prefetch();
  }

  isComplete(): boolean {
    return this.matcher.isTerminated();
  }

  dispose(): void {
    this.matcher.dispose();
  }

  /** Starts computing the mask for the current state; resolves once it is stored. */
  prefetch(): Promise<void> {
    const step = this.step;
    const start = performance.now();
    return this.matcher.getNextTokenBitmask().then((mask) => {
      if (step !== this.step) return;
      this.statistics.computeMs += performance.now() - start;
      this.mask = mask;
    });
  }

  private readMaskNow(): Int32Array {
    const start = performance.now();
    const binding = (this.matcher as unknown as { handle: MatcherBinding }).handle;
    const vector = binding.GetNextTokenBitmask(this.vocabSize);
    const mask = new Int32Array(vector.size());
    for (let i = 0; i < mask.length; i++) mask[i] = vector.get(i);
    vector.delete();
    this.mask = mask;
    this.statistics.computeMs += performance.now() - start;
    return mask;
  }
}

/**
 * Bit `i % 32` of word `i / 32` set means token i is allowed. Tokens past the grammar's vocabulary
 * (logits padded beyond the tokenizer) are never text and are ruled out too.
 */
export function applyTokenBitmask(logits: Float32Array, mask: Int32Array, vocabSize: number): void {
  const covered = Math.min(logits.length, vocabSize);
  for (let word = 0; word * 32 < covered; word++) {
    const bits = mask[word]!;
    if (bits === -1) continue;
    const base = word * 32;
    const end = Math.min(base + 32, covered);
    if (bits === 0) {
      logits.fill(-Infinity, base, end);
      continue;
    }
    for (let i = base; i < end; i++) if (((bits >>> (i - base)) & 1) === 0) logits[i] = -Infinity;
  }
  if (logits.length > covered) logits.fill(-Infinity, covered);
}
