import type { GrammarVocabulary } from './grammar-vocabulary.ts';

/** GPT-2's byte-level alphabet: each byte is written as one printable character. */
function byteLevelDecoder(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = bytes.slice();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + extra++);
    }
  }
  return new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]!), b]));
}

const encoder = new TextEncoder();

/** The bytes each token stands for, as the detokenizer will produce them. */
export function tokenBytes(vocabulary: GrammarVocabulary): Uint8Array[] {
  const { tokens, vocabType } = vocabulary;
  if (vocabType === 'byte_level') {
    const decode = byteLevelDecoder();
    return tokens.map((token) => {
      const out = new Uint8Array(token.length);
      let n = 0;
      for (const char of token) {
        const byte = decode.get(char);
        if (byte === undefined) return encoder.encode(token); // added tokens are stored as plain text
        out[n++] = byte;
      }
      return out.subarray(0, n);
    });
  }
  if (vocabType === 'byte_fallback') {
    return tokens.map((token) => {
      const hex = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
      return hex ? Uint8Array.of(parseInt(hex[1]!, 16)) : encoder.encode(token.replaceAll('▁', ' '));
    });
  }
  return tokens.map((token) => encoder.encode(token));
}
