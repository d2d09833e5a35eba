import { HearthError } from '../../../core/errors.ts';
import type { VocabType } from '../text/tokenizer.ts';

/** What the grammar engine must know of a tokenizer to tell which tokens can come next. */
export interface GrammarVocabulary {
  /** Names this vocabulary in caches (e.g. `modelId@revision`). */
  id: string;
  /** Token strings by id as written in tokenizer.json; '' for ids that are never text (special tokens, holes). */
  tokens: string[];
  vocabType: VocabType;
  /** Length of the model's logits (config.json `vocab_size`), which may exceed `tokens.length`. */
  vocabSize: number;
  stopTokenIds: number[];
  /** SentencePiece tokenizers that add a space before the text (Llama 2, Mistral, Gemma). */
  prependSpace: boolean;
}

interface TokenizerJson {
  model?: {
    type?: string;
    vocab?: Record<string, number> | Array<[string, number]>;
    byte_fallback?: boolean;
  };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: unknown;
}

export interface VocabularyOptions {
  id: string;
  stopTokenIds: number[];
  vocabSize?: number;
  /** Special tokens to keep as text because a format matches them literally (e.g. `[TOOL_CALLS]`). */
  literalSpecialTokens?: readonly string[];
}

/**
 * Builds the grammar vocabulary from a tokenizer.json. Special added tokens become '' so the grammar
 * never lets one stand for its literal text inside a JSON string (`<|im_end|>` is not five characters
 * of an answer); stop tokens are passed apart and stay allowed where the grammar may end.
 */
export function vocabularyFromTokenizerJson(
  json: TokenizerJson,
  options: VocabularyOptions,
): GrammarVocabulary {
  const tokens: string[] = [];
  const vocab = json.model?.vocab;
  if (Array.isArray(vocab)) vocab.forEach(([piece], id) => (tokens[id] = piece));
  else if (vocab) for (const [piece, id] of Object.entries(vocab)) tokens[id] = piece;
  else {
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      'tokenizer.json has no model.vocab: constrained decoding needs it.',
    );
  }
  const literal = new Set(options.literalSpecialTokens ?? []);
  for (const added of json.added_tokens ?? []) {
    tokens[added.id] = added.special && !literal.has(added.content) ? '' : added.content;
  }
  for (let i = 0; i < tokens.length; i++) tokens[i] ??= '';
  return {
    id: options.id,
    tokens,
    vocabType: vocabTypeOf(json),
    vocabSize: Math.max(options.vocabSize ?? 0, tokens.length),
    stopTokenIds: options.stopTokenIds,
    prependSpace: prependsSpace(json),
  };
}

/**
 * How token strings map to bytes: GPT-2 style byte-level BPE (Llama 3, Qwen, SmolLM) writes bytes as
 * printable characters; SentencePiece-style vocabularies write `▁` for space and `<0xNN>` for bytes.
 */
export function vocabTypeOf(json: TokenizerJson): VocabType {
  const decoder = JSON.stringify(json.decoder ?? null);
  const pre = JSON.stringify(json.pre_tokenizer ?? null);
  if (decoder.includes('"ByteLevel"') || pre.includes('"ByteLevel"')) return 'byte_level';
  if (json.model?.byte_fallback || decoder.includes('"ByteFallback"') || decoder.includes('▁'))
    return 'byte_fallback';
  return 'raw';
}

function prependsSpace(json: TokenizerJson): boolean {
  const normalizer = JSON.stringify(json.normalizer ?? null);
  const pre = JSON.stringify(json.pre_tokenizer ?? null);
  if (/"type":"Prepend","prepend":"▁"/.test(normalizer)) return true;
  return (
    /"type":"Metaspace"/.test(pre) && /"prepend_scheme":"(always|first)"|"add_prefix_space":true/.test(pre)
  );
}
