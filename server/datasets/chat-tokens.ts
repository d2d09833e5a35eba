/**
 * Counts a chat example's tokens as the trainer sees them (chat template applied, then tokenized), and bounds
 * that count from the rendered text's byte length without tokenizing, where the tokenizer makes the bounds hold.
 *
 * Why the bounds hold, for a byte-level BPE tokenizer (model BPE, a ByteLevel pre-tokenizer without an added
 * prefix space, no normalizer or only NFC, encoded without added special tokens):
 * - Added tokens are cut out of the raw text first, each one token; every other segment is NFC-normalized and
 *   mapped byte for byte to one symbol per byte, and BPE merges only ever join symbols. So the tokens partition
 *   the bytes of the normalized text: each token covers at least 1 byte and at most L bytes, L being the longest
 *   vocabulary entry (in byte symbols) or added token (in UTF-8 bytes).
 * - Every added token begins with an ASCII character, which is a starter that never composes with what precedes
 *   it: NFC of the segments between added tokens adds up to NFC of the whole text, so the bytes covered are
 *   B = UTF-8 bytes of NFC(rendered text).
 * Hence ceil(B / L) <= tokens <= B. A tokenizer that fails any condition gets no bounds: every example is
 * tokenized. NFC can lengthen text (composition exclusions decompose), which is why B is measured after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { ChatExample } from '../models/catalog.ts';
import { createChatRenderer } from './chat-template.ts';
import { createTokenCounter } from './token-count.ts';

export interface TokenBounds {
  atLeast: number;
  atMost: number;
}

export interface ChatTokens {
  /** The exact count of the rendered example's tokens (see token-count.ts for how it is kept cheap). */
  count(example: ChatExample): number;
  /** Bounds on count(example) from bytes alone, or null when this tokenizer gives none. */
  bounds(example: ChatExample): TokenBounds | null;
}

interface TokenizerJson {
  normalizer?: { type?: string; normalizers?: Array<{ type?: string }> } | null;
  pre_tokenizer?: PreTokenizerJson | null;
  model?: { type?: string; vocab?: Record<string, number> };
  added_tokens?: Array<{ content: string }>;
}

interface PreTokenizerJson {
  type?: string;
  add_prefix_space?: boolean;
  behavior?: string;
  pretokenizers?: PreTokenizerJson[];
}

/** GPT-2's byte-to-symbol table: the 256 characters a byte-level vocabulary is spelled in, one per byte. */
function byteSymbols(): Set<string> {
  const symbols = new Set<string>();
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    symbols.add(String.fromCharCode(printable ? byte : next++));
  }
  return symbols;
}

const onlyNfc = (normalizer: TokenizerJson['normalizer']): boolean =>
  !normalizer ||
  normalizer.type === 'NFC' ||
  (normalizer.type === 'Sequence' && (normalizer.normalizers ?? []).every((n) => n.type === 'NFC'));

function byteLevelWithoutPrefix(pre: PreTokenizerJson | null | undefined): boolean {
  if (!pre) return false;
  if (pre.type === 'ByteLevel') return pre.add_prefix_space === false;
  if (pre.type !== 'Sequence') return false;
  const parts = pre.pretokenizers ?? [];
  const byteLevel = parts.filter((part) => part.type === 'ByteLevel');
  // Split pre-tokenizers only cut text (unless they remove the matches); anything else might rewrite it.
  return (
    byteLevel.length === 1 &&
    byteLevel[0]!.add_prefix_space === false &&
    parts.every((part) => part.type === 'ByteLevel' || (part.type === 'Split' && part.behavior !== 'Removed'))
  );
}

/** The longest run of bytes one token can cover, or null when the bounds above do not hold. */
export function longestTokenBytes(json: TokenizerJson): number | null {
  if (json.model?.type !== 'BPE' || !json.model.vocab) return null;
  if (!onlyNfc(json.normalizer) || !byteLevelWithoutPrefix(json.pre_tokenizer)) return null;
  const symbols = byteSymbols();
  const vocab = json.model.vocab;
  for (const symbol of symbols) if (!(symbol in vocab)) return null; // every byte must be a token
  const added = new Set((json.added_tokens ?? []).map((token) => token.content));
  let longest = 1;
  for (const entry of Object.keys(vocab)) {
    if (added.has(entry)) continue;
    for (const char of entry) if (!symbols.has(char)) return null;
    longest = Math.max(longest, entry.length);
  }
  for (const content of added) {
    if (!content || content.charCodeAt(0) > 0x7f) return null;
    longest = Math.max(longest, Buffer.byteLength(content));
  }
  return longest;
}

const special = (token: unknown) =>
  typeof token === 'string' ? token : ((token as { content?: string } | null)?.content ?? '');

/** Reads the model folder's `tokenizer.json` and `tokenizer_config.json`. */
export function createChatTokens(modelDir: string): ChatTokens {
  const tokenizerJson = JSON.parse(
    fs.readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8'),
  ) as TokenizerJson;
  const tokenizerConfig = JSON.parse(
    fs.readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8'),
  ) as {
    chat_template?: string;
    bos_token?: unknown;
    eos_token?: unknown;
    remove_space?: unknown;
    do_lowercase_and_remove_accent?: unknown;
  };
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
  const renderer = createChatRenderer(tokenizerConfig.chat_template, {
    bos_token: special(tokenizerConfig.bos_token),
    eos_token: special(tokenizerConfig.eos_token),
  });
  const longest = longestTokenBytes(tokenizerJson);
  const countText = createTokenCounter(tokenizerJson, tokenizer, tokenizerConfig);
  return {
    count: countText
      ? (example) => countText(renderer.text(example))
      : (example) => tokenizer.encode(renderer.render(example), { add_special_tokens: false }).ids.length,
    bounds: (example) => {
      if (longest === null) return null;
      const bytes = renderer.nfcBytes(example);
      return { atLeast: Math.ceil(bytes / longest), atMost: bytes };
    },
  };
}
