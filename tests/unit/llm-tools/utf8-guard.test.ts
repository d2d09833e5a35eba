import { describe, expect, it } from 'vitest';
import { Utf8Guard, utf8TableFor, type GrammarVocabulary } from '../../../src/engines/llm/grammar/index.ts';

/** A byte_fallback vocabulary: every byte as `<0xNN>`, plus a few whole-character tokens. */
function byteVocabulary(): GrammarVocabulary {
  const tokens = Array.from(
    { length: 256 },
    (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
  );
  tokens.push('▁hello', '東京', '');
  return {
    id: 'test:utf8-bytes',
    tokens,
    vocabType: 'byte_fallback',
    vocabSize: tokens.length,
    stopTokenIds: [258],
    prependSpace: false,
  };
}

const allowedIds = (logits: Float32Array) => [...logits.keys()].filter((i) => Number.isFinite(logits[i]!));

describe('Utf8Guard', () => {
  const table = utf8TableFor(byteVocabulary());

  it('at a character boundary, rules out bytes that cannot start a character', () => {
    const logits = new Float32Array(259);
    new Utf8Guard(table).process(logits);
    const refused = [...Array(259).keys()].filter((i) => logits[i] === -Infinity);
    const expected = [...Array(256).keys()].filter((b) => (b >= 0x80 && b <= 0xc1) || b >= 0xf5);
    expect(refused).toEqual(expected);
  });

  it('inside a character, only valid continuations remain (no overlong forms, surrogates or > U+10FFFF)', () => {
    const cases: Array<[number, number, number]> = [
      [0xc3, 0x80, 0xbf],
      [0xe0, 0xa0, 0xbf], // E0 80..9F would be overlong
      [0xed, 0x80, 0x9f], // ED A0..BF would be surrogates
      [0xf0, 0x90, 0xbf],
      [0xf4, 0x80, 0x8f], // F4 90.. would pass U+10FFFF
    ];
    for (const [lead, lo, hi] of cases) {
      const guard = new Utf8Guard(table);
      guard.accept(lead);
      const logits = new Float32Array(259);
      guard.process(logits);
      expect(allowedIds(logits), lead.toString(16)).toEqual(
        [...Array(hi - lo + 1).keys()].map((i) => lo + i),
      );
    }
  });

  it('whole characters and the end of a character bring it back to the boundary', () => {
    const guard = new Utf8Guard(table);
    for (const b of [0xe6, 0x9d, 0xb1]) guard.accept(b); // 東
    const logits = new Float32Array(259);
    guard.process(logits);
    expect(Number.isFinite(logits[257]!)).toBe(true); // 東京
    expect(Number.isFinite(logits[0x41]!)).toBe(true);
    expect(logits[0x9d]).toBe(-Infinity);
  });
});
