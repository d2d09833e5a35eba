import { abortError, HearthError } from '../../../core/errors.ts';
import type { FinishReason, ToolCallDelta } from '../contract.ts';
import { TokenCounts } from '../sampling/penalties.ts';
import { seededRng } from '../sampling/rng.ts';
import { adjustLogits, sampleToken } from '../sampling/sampler.ts';
import { StopMatcher } from '../text/stop-matcher.ts';
import { StreamDetokenizer, type TokenDecoder } from '../text/stream-detokenizer.ts';
import type { GenerationPlan } from './plan.ts';

/** A model with its own KV state: feeds tokens after those already fed, returns the last position's logits. */
export interface LogitsSource {
  forward(ids: number[]): Promise<Float32Array>;
}

export interface GenerationStats {
  promptTokens: number;
  prefilledTokens: number;
  completionTokens: number;
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  totalMs: number;
  droppedMessages: number;
}

export type GenerationEvent =
  | { type: 'content'; text: string }
  | { type: 'tool_call'; delta: ToolCallDelta }
  | { type: 'end'; finishReason: FinishReason; stats: GenerationStats };

/** Tokens whose KV values the source now holds, kept current while the loop runs. */
export interface FedTokens {
  ids: number[];
}

/**
 * The decoding loop: prefill, then sample -> detokenise -> stop strings -> output parser, one token
 * at a time, until EOS, a stop string, a satisfied constraint, `maxNewTokens`, or the signal.
 * Aborting ends the stream with finish_reason 'abort' after the step in flight.
 */
export async function* generate(
  plan: GenerationPlan,
  prefill: number[],
  source: LogitsSource,
  decoder: TokenDecoder,
  fed: FedTokens,
  now: () => number = () => performance.now(),
): AsyncGenerator<GenerationEvent> {
  const start = now();
  const counts = new TokenCounts(plan.promptIds);
  const rng = seededRng(plan.seed);
  const detokenizer = new StreamDetokenizer(decoder);
  const stops = new StopMatcher(plan.stop);
  let completionTokens = 0;
  let ttftMs = 0;
  let prefillMs = 0;
  let sawToolCall = false;

  function* emit(text: string): Generator<GenerationEvent> {
    if (!text) return;
    if (!plan.outputParser) {
      yield { type: 'content', text };
      return;
    }
    for (const event of plan.outputParser.push(text)) yield fromParser(event);
  }
  function fromParser(event: ReturnType<NonNullable<GenerationPlan['outputParser']>['push']>[number]) {
    if (event.type === 'tool_call') sawToolCall = true;
    return event.type === 'content'
      ? ({ type: 'content', text: event.text } as const)
      : ({ type: 'tool_call', delta: event.delta } as const);
  }

  let finishReason: FinishReason = 'length';
  let logits: Float32Array | undefined;
  let pending = prefill;
  try {
    while (completionTokens < plan.maxNewTokens) {
      if (plan.signal?.aborted) {
        finishReason = 'abort';
        break;
      }
      logits = await source.forward(pending);
      fed.ids.push(...pending);
      throwIfNotFinite(logits);
      if (completionTokens === 0) prefillMs = now() - start;

      adjustLogits(logits, counts, plan.sampling);
      plan.logitsProcessor?.process(logits);
      const token = sampleToken(logits, plan.sampling, rng);
      if (token < 0 || !Number.isFinite(logits[token]!)) {
        throw new HearthError(
          'GENERATION_FAILED',
          'Every token was ruled out (the constraint or logit_bias allows none). Relax the grammar or the bias.',
        );
      }
      if (completionTokens === 0) ttftMs = now() - start;
      completionTokens++;
      counts.addOutput(token);
      plan.logitsProcessor?.accept(token);

      if (plan.eosTokenIds.has(token)) {
        finishReason = 'stop';
        break;
      }
      yield* emit(stops.push(detokenizer.push(token)));
      if (stops.stopped || plan.logitsProcessor?.isComplete()) {
        finishReason = 'stop';
        break;
      }
      pending = [token];
    }
    if (!stops.stopped) yield* emit(stops.push(detokenizer.flush()));
    yield* emit(stops.finish());
    if (plan.outputParser) for (const event of plan.outputParser.finish()) yield fromParser(event);
  } finally {
    plan.logitsProcessor?.dispose();
  }
  if (finishReason === 'stop' && sawToolCall) finishReason = 'tool_calls';
  const totalMs = now() - start;
  yield {
    type: 'end',
    finishReason,
    stats: {
      promptTokens: plan.promptIds.length,
      prefilledTokens: prefill.length,
      completionTokens,
      ttftMs,
      prefillMs,
      decodeMs: Math.max(0, totalMs - prefillMs),
      totalMs,
      droppedMessages: plan.droppedMessages ?? 0,
    },
  };
}

/** Throws the abort error when the caller asked for a whole completion and then cancelled. */
export function assertNotAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

/**
 * A NaN or infinite logit comes from the model (an overflowing adapter, broken weights), never from a constraint,
 * which only lowers logits to -Infinity after this check; say so rather than let it surface as "no token allowed".
 */
function throwIfNotFinite(logits: Float32Array): void {
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!) && logits[i] !== -Infinity) {
      throw new HearthError(
        'GENERATION_FAILED',
        `The model produced a NaN or infinite logit (token ${i}): its weights or the active adapter overflow. Unload the adapter or reload the model.`,
      );
    }
  }
}
