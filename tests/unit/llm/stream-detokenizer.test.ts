import { beforeAll, describe, expect, it } from 'vitest';
import { StreamDetokenizer } from '../../../src/engines/llm/text/stream-detokenizer.ts';
import { loadChatTokenizer, type ChatTokenizer } from '../../../src/engines/llm/text/tokenizer.ts';
import { qwen3TokenizerFiles } from './qwen3-files.ts';

let tokenizer: ChatTokenizer;
beforeAll(async () => {
  tokenizer = await loadChatTokenizer(qwen3TokenizerFiles());
});

const samples = [
  'Hello, world! Plain ASCII first.',
  'naïve café — 東京タワー 🙂 and 👩‍💻 (a ZWJ sequence)',
  'Ünïcödé ñ 中文字符 العربية русский ελληνικά',
  '   leading spaces\tand tabs\n\nnew lines  ',
  'emoji run: 🚀🚀🚀🎉🎉 flags 🇫🇷🇯🇵',
];

describe('StreamDetokenizer with the real Qwen3 byte-level BPE', () => {
  it.each(samples)('joins its deltas to the full decode and never emits a broken character: %s', (text) => {
    const ids = tokenizer.encode(text);
    const stream = new StreamDetokenizer(tokenizer);
    const deltas = ids.map((id) => stream.push(id));
    deltas.push(stream.flush());
    expect(deltas.join('')).toBe(tokenizer.decode(ids));
    expect(deltas.join('')).toBe(text);
    for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
  });

  it('holds back the first byte of a split character, then emits the whole character', () => {
    // A 4-byte hieroglyph that Qwen3 splits over three byte tokens.
    const ids = tokenizer.encode('𓀀');
    expect(ids.length).toBeGreaterThan(1);
    const stream = new StreamDetokenizer(tokenizer);
    const deltas = ids.map((id) => stream.push(id));
    expect(deltas.slice(0, -1).every((delta) => delta === '')).toBe(true);
    expect(deltas.at(-1)).toBe('𓀀');
  });

  it('flushes an incomplete character at the end as U+FFFD instead of dropping it', () => {
    const ids = tokenizer.encode('𓀀');
    const stream = new StreamDetokenizer(tokenizer);
    expect(stream.push(ids[0]!)).toBe('');
    expect(stream.flush()).toContain('\uFFFD');
  });
});
