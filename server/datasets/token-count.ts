/**
 * Counts a text's tokens exactly, for the tokenizers where a word's tokens do not depend on its neighbours:
 * byte-level BPE (a ByteLevel pre-tokenizer with its regex and without an added prefix space, no normalizer
 * or only NFC, added tokens matched in the raw text with no stripping). There the tokenizer
 * 1. cuts the added tokens out of the raw text, leftmost and longest first (each is one token),
 * 2. NFC-normalizes each piece between them,
 * 3. splits each piece into words with the pre-tokenizer's regex, and
 * 4. runs BPE on each word alone,
 * so the count is the number of added tokens plus, over the words, each word's BPE length. A word's BPE
 * length is computed once by the tokenizer's own pre-tokenizer and model, then read from a map: datasets
 * repeat their words, and the tokenizer's full encode costs about a millisecond per kilobyte, mostly in
 * building strings and arrays per word (measured on the demo model).
 *
 * Step 3 on a word alone gives the word back (so step 4 sees what it would in the whole text): the regex's
 * alternatives other than `\s+(?!\S)` have no lookahead, so one that failed where the word began in the text
 * fails on the word too (the word is a prefix of what followed); `\s+(?!\S)` fails in the text only on a lone
 * whitespace character before a non-space, which `\s+` then takes, and alone it matches that same character.
 */
import type { Tokenizer } from '@huggingface/tokenizers';

/** What this needs to read from tokenizer.json. */
export interface TokenizerShape {
  normalizer?: { type?: string; normalizers?: Array<{ type?: string }> } | null;
  pre_tokenizer?: { type?: string; add_prefix_space?: boolean; use_regex?: boolean } | null;
  model?: { type?: string };
  added_tokens?: Array<{
    content: string;
    lstrip?: boolean;
    rstrip?: boolean;
    normalized?: boolean;
    single_word?: boolean;
  }>;
}

/**
 * Distinct words remembered, and the longest word remembered (in UTF-16 units): at most 50,000 × (128 bytes of
 * text + a map entry's ~80 bytes) ≈ 10 MB. Longer words are rare in text and are counted each time they come.
 */
const MAX_WORDS = 50_000;
const MAX_WORD_LENGTH = 64;

const onlyNfc = (normalizer: TokenizerShape['normalizer']): boolean =>
  !normalizer ||
  normalizer.type === 'NFC' ||
  (normalizer.type === 'Sequence' && (normalizer.normalizers ?? []).every((n) => n.type === 'NFC'));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The counter, or null when this tokenizer is not one it is exact for (count with `encode` then). */
export function createTokenCounter(
  json: TokenizerShape,
  tokenizer: Tokenizer,
  config: { remove_space?: unknown; do_lowercase_and_remove_accent?: unknown } = {},
): ((text: string) => number) | null {
  const pre = json.pre_tokenizer;
  if (json.model?.type !== 'BPE' || !onlyNfc(json.normalizer)) return null;
  if (pre?.type !== 'ByteLevel' || pre.add_prefix_space !== false || pre.use_regex === false) return null;
  if (config.remove_space || config.do_lowercase_and_remove_accent) return null;
  const added = json.added_tokens ?? [];
  if (added.some((t) => !t.content || t.lstrip || t.rstrip || t.normalized || t.single_word)) return null;
  const pattern = (tokenizer.pre_tokenizer as unknown as { pattern?: unknown }).pattern;
  const model = tokenizer.model as unknown as ((tokens: string[]) => string[]) | null;
  const preTokenize = tokenizer.pre_tokenizer as unknown as ((text: string) => string[]) | null;
  if (!(pattern instanceof RegExp) || !pattern.global || !model || !preTokenize) return null;

  // Longest first: at each position the alternation then takes the longest added token, as the tokenizer does.
  const contents = [...new Set(added.map((t) => t.content))].sort((a, b) => b.length - a.length);
  const addedTokens = contents.length ? new RegExp(contents.map(escape).join('|'), 'g') : null;
  const words = new RegExp(pattern.source, pattern.flags);
  const lengths = new Map<string, number>();

  const countPiece = (piece: string): number => {
    let count = 0;
    for (const word of piece.normalize('NFC').match(words) ?? []) {
      let length = lengths.get(word);
      if (length === undefined) {
        length = model(preTokenize(word)).length;
        if (word.length <= MAX_WORD_LENGTH) {
          if (lengths.size >= MAX_WORDS) lengths.clear();
          lengths.set(word, length);
        }
      }
      count += length;
    }
    return count;
  };

  return (text) => {
    if (!addedTokens) return countPiece(text);
    let count = 0;
    let from = 0;
    for (const match of text.matchAll(addedTokens)) {
      if (match.index > from) count += countPiece(text.slice(from, match.index));
      count += 1;
      from = match.index + match[0].length;
    }
    return from < text.length ? count + countPiece(text.slice(from)) : count;
  };
}
