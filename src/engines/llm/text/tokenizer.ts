import { Tokenizer } from '@huggingface/tokenizers';
import { HearthError } from '../../../core/errors.ts';
import { readModelJson, type ModelFiles } from '../../../core/model-files.ts';
import type { TokenDecoder } from './stream-detokenizer.ts';

/** How token strings map to bytes, in the terms grammar engines (xgrammar) use. */
export type VocabType = 'byte_level' | 'byte_fallback' | 'raw';

export interface TokenizerConfig {
  chat_template?: string | Array<{ name: string; template: string }>;
  eos_token?: string | { content: string } | null;
  bos_token?: string | { content: string } | null;
  model_max_length?: number;
  [key: string]: unknown;
}

/** The model's tokenizer, with what the engine needs from it in one place. */
export class ChatTokenizer implements TokenDecoder {
  private vocabularyCache: string[] | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    readonly config: TokenizerConfig,
    private readonly tokenizerJson: { decoder?: unknown },
    /** Every id that ends a turn: generation_config, config.json and the tokenizer's eos token. */
    readonly eosTokenIds: ReadonlySet<number>,
  ) {}

  /** Chat prompts are rendered with their special tokens by the template: add none here. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  /**
   * The exact text of `ids`, special tokens included, or undefined where decoding is not exact
   * (only byte-level BPE maps every token back to its bytes without normalising).
   */
  decodeExact(ids: number[]): string | undefined {
    if (this.vocabType() !== 'byte_level') return undefined;
    return this.tokenizer.decode(ids, { skip_special_tokens: false });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  specialToken(name: 'eos_token' | 'bos_token'): string | undefined {
    const value = this.config[name];
    if (value === null || value === undefined) return undefined;
    return typeof value === 'string' ? value : value.content;
  }

  /** Token strings by id (as in tokenizer.json), for grammar engines. */
  vocabulary(): string[] {
    if (!this.vocabularyCache) {
      const vocab = this.tokenizer.get_vocab(true);
      const list: string[] = [];
      for (const [token, id] of vocab) list[id] = token;
      for (let i = 0; i < list.length; i++) list[i] ??= '';
      this.vocabularyCache = list;
    }
    return this.vocabularyCache;
  }

  vocabType(): VocabType {
    const text = JSON.stringify(this.tokenizerJson.decoder ?? null);
    if (text.includes('"ByteLevel"')) return 'byte_level';
    if (text.includes('"ByteFallback"')) return 'byte_fallback';
    return 'raw';
  }
}

function idsOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

/** Loads tokenizer.json + tokenizer_config.json (+ generation_config.json / config.json for EOS ids). */
export async function loadChatTokenizer(files: ModelFiles): Promise<ChatTokenizer> {
  const [tokenizerJson, config] = await Promise.all([
    readModelJson<Record<string, unknown>>(files, 'tokenizer.json'),
    readModelJson<TokenizerConfig>(files, 'tokenizer_config.json'),
  ]);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (error) {
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `tokenizer.json of ${files.modelId} could not be loaded (${(error as Error).message}). Download the model again.`,
      { cause: error },
    );
  }
  const optional = async (path: string): Promise<Record<string, unknown>> =>
    (await files.has(path)) ? readModelJson<Record<string, unknown>>(files, path) : {};
  const [generationConfig, modelConfig] = await Promise.all([
    optional('generation_config.json'),
    optional('config.json'),
  ]);
  const eos = new Set<number>([...idsOf(generationConfig.eos_token_id), ...idsOf(modelConfig.eos_token_id)]);
  const chat = new ChatTokenizer(tokenizer, config, tokenizerJson, eos);
  const eosToken = chat.specialToken('eos_token');
  const eosId = eosToken === undefined ? undefined : chat.tokenToId(eosToken);
  if (eosId !== undefined) eos.add(eosId);
  if (eos.size === 0) {
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `${files.modelId} names no end-of-sequence token (eos_token in tokenizer_config.json or eos_token_id in generation_config.json).`,
    );
  }
  return chat;
}
