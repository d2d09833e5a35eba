import { describe, expect, it } from 'vitest';
import { encodeAfterCached, type ExactTokenizer } from '../../../src/engines/llm/cache/prefix-cache.ts';

// A toy vocabulary where one text has two tokenizations: "ab" is token 9, or "a" (1) + "b" (2).
const pieces: Record<number, string> = { 1: 'a', 2: 'b', 3: 'c', 9: 'ab', 7: '\u00e9' };
const toy = (exact = true): ExactTokenizer => ({
  encode: (text) => {
    const ids: number[] = [];
    for (let i = 0; i < text.length;) {
      const piece = text.startsWith('ab', i) ? 'ab' : text[i]!;
      ids.push(Number(Object.entries(pieces).find(([, p]) => p === piece)![0]));
      i += piece.length;
    }
    return ids;
  },
  decodeExact: (ids) => (exact ? ids.map((id) => pieces[id] ?? '\uFFFD').join('') : undefined),
});

describe('encodeAfterCached', () => {
  it('keeps the cached tokens where they spell the start of the text', () => {
    // The model wrote "ab" as a + b; encoding "abcab" afresh would start with 9.
    expect(toy().encode('abcab')).toEqual([9, 3, 9]);
    expect(encodeAfterCached('abcab', [1, 2, 3], toy())).toEqual([1, 2, 3, 9]);
  });

  it('encodes afresh when the cache spells something else, or decoding is not exact', () => {
    expect(encodeAfterCached('abcab', [3], toy())).toEqual([9, 3, 9]);
    expect(encodeAfterCached('abcab', [1, 2, 3], toy(false))).toEqual([9, 3, 9]);
    expect(encodeAfterCached('abcab', [], toy())).toEqual([9, 3, 9]);
  });

  it('drops trailing tokens that do not decode to whole characters', () => {
    // Token 5 is half a character (decodes to U+FFFD): the three before it still serve.
    expect(encodeAfterCached('abcab', [1, 2, 3, 5], toy())).toEqual([1, 2, 3, 9]);
  });
});
