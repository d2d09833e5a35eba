import { Tokenizer } from '@huggingface/tokenizers';
import { HearthError } from '../../core/errors.ts';

export interface EncodedText {
  ids: number[];
  /** Token count before truncation (specials included); equals `ids.length` when nothing was cut. */
  fullLength: number;
}

/**
 * The model's own tokenizer (tokenizer.json) with Hearth's truncation: a text longer than `maxTokens`
 * keeps the template's special tokens (e.g. [CLS] … [SEP]) and the first content tokens that fit,
 * as Hugging Face's `truncation=True` does for a single text.
 */
export class EmbedTokenizer {
  private constructor(private readonly tokenizer: Tokenizer) {}

  static create(tokenizerJson: unknown, tokenizerConfig: unknown, label: string): EmbedTokenizer {
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson as object, (tokenizerConfig ?? {}) as object);
      tokenizer.encode('probe');
    } catch (error) {
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        `tokenizer.json of ${label} cannot be used (${(error as Error).message}). Delete the model and download it again.`,
        { cause: error },
      );
    }
    return new EmbedTokenizer(tokenizer);
  }

  /** Token count with specials, untruncated: what chunkers need. */
  count(text: string): number {
    return this.tokenizer.encode(text).ids.length;
  }

  encode(text: string, maxTokens: number): EncodedText {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= maxTokens) return { ids, fullLength: ids.length };
    // Only long texts pay for a second pass: the content without specials locates the template's
    // prefix and suffix inside the full encoding.
    const content = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const specials = ids.length - content.length;
    const prefixLength = specials > 0 ? findPrefixLength(ids, content) : 0;
    const prefix = ids.slice(0, prefixLength);
    const suffix = ids.slice(prefixLength + content.length);
    const keep = Math.max(0, maxTokens - prefix.length - suffix.length);
    return { ids: [...prefix, ...content.slice(0, keep), ...suffix], fullLength: ids.length };
  }
}

/** Where `content` starts inside `full` (the number of leading special tokens). */
function findPrefixLength(full: number[], content: number[]): number {
  const maxStart = full.length - content.length;
  for (let start = 0; start <= maxStart; start++) {
    let match = true;
    for (let i = 0; i < Math.min(content.length, 8) && match; i++) match = full[start + i] === content[i];
    if (match) return start;
  }
  return 0;
}
