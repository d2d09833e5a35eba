// The byte-length bounds that let validation skip tokenizing hold against the real tokenizer and chat template.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatRenderer } from '../../../server/datasets/chat-template.ts';
import { createChatTokens, longestTokenBytes } from '../../../server/datasets/chat-tokens.ts';
import { createTokenCounter } from '../../../server/datasets/token-count.ts';
import { validateDataset } from '../../../server/datasets/validate.ts';
import type { ChatExample } from '../../../server/models/catalog.ts';
import { seededRng } from '../../../src/engines/llm/sampling/rng.ts';
import { REPO, tempDir } from './helpers.ts';

const MODELS = path.join(REPO, 'public/models/hearth-demo');
const chatDir = path.join(MODELS, 'tiny-llama-chat/resolve/main');
const tokens = createChatTokens(chatDir);
const config = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer_config.json'), 'utf8')) as {
  chat_template: string;
};
const renderer = createChatRenderer(config.chat_template, { bos_token: '', eos_token: '' });
const dir = tempDir('chat-tokens');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Text pieces that stress the bounds: ASCII, multi-byte scripts, NFC-lengthening and -shortening characters. */
const PIECES = [
  'hello',
  ' world',
  'the quick brown fox',
  '\n',
  '  ',
  'é',
  'e\u0301', // composes under NFC: shorter
  '\u0958', // a composition exclusion: NFC decomposes it, 3 bytes become 6
  '\uFB2C', // NFC makes three code points of it
  '\u212B', // Angstrom sign, NFC maps it to Å
  '日本語のテキスト',
  '😀',
  '<|im_end|>', // an added token's text inside content
  '<tool_call>',
  '{"a": 1}',
  '123456789',
  '\u0301', // a combining mark with nothing before it
  '   ', // whitespace runs: the pre-tokenizer's `\s+(?!\S)` leaves the last space to the next word
  '\n\n',
  '\t',
  " it's",
  "'LL",
  ' 42',
  '!?',
  '<|im_start|><|im_end|>', // added tokens back to back
];

function randomExample(random: () => number): ChatExample {
  const text = () => {
    let out = '';
    const n = Math.floor(random() * 40);
    for (let i = 0; i < n; i++) out += PIECES[Math.floor(random() * PIECES.length)];
    return out;
  };
  const messages: Array<Record<string, unknown>> = [];
  if (random() < 0.5) messages.push({ role: 'system', content: text() });
  const turns = 1 + Math.floor(random() * 3);
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: text() });
    if (random() < 0.2)
      messages.push({
        role: 'assistant',
        content: random() < 0.5 ? '' : null,
        tool_calls: [{ type: 'function', function: { name: 'lookup', arguments: { q: text() } } }],
      });
    if (random() < 0.2) messages.push({ role: 'tool', content: text() });
    messages.push({ role: 'assistant', content: text(), ...(random() < 0.1 ? { weight: 0 } : {}) });
  }
  const tools =
    random() < 0.2
      ? [{ type: 'function', function: { name: 'lookup', description: text(), parameters: {} } }]
      : undefined;
  return { messages, tools };
}

describe('token bounds of the byte-level BPE demo model', () => {
  it('holds the longest token to what the vocabulary spells', () => {
    const json = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer.json'), 'utf8')) as {
      model: { vocab: Record<string, number> };
      added_tokens: Array<{ content: string }>;
    };
    const longest = Math.max(
      ...Object.keys(json.model.vocab).map((entry) => entry.length),
      ...json.added_tokens.map((token) => Buffer.byteLength(token.content)),
    );
    expect(longestTokenBytes(json as never)).toBe(longest);
  });

  it('bound the real count from below and above, and splicing renders exactly what Jinja does', () => {
    const rng = seededRng(17);
    const random = () => rng.next();
    let lengthenedByNfc = 0;
    for (let i = 0; i < 400; i++) {
      const example = randomExample(random);
      const text = renderer.render(example);
      const nfcBytes = Buffer.byteLength(text.normalize('NFC'));
      expect(renderer.nfcBytes(example)).toBe(nfcBytes);
      const count = tokens.count(example);
      const bounds = tokens.bounds(example)!;
      expect(bounds.atLeast).toBeLessThanOrEqual(count);
      expect(count).toBeLessThanOrEqual(bounds.atMost);
      if (nfcBytes > Buffer.byteLength(text)) lengthenedByNfc++;
    }
    // The draws include texts that NFC lengthens, where raw bytes alone would not bound the count.
    expect(lengthenedByNfc).toBeGreaterThan(10);
  });

  it("count exactly what the tokenizer counts, from spliced text equal to Jinja's", () => {
    const json = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer.json'), 'utf8')) as object;
    const tokenizer = new Tokenizer(json, config);
    const encoded = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;
    const rng = seededRng(23);
    const random = () => rng.next();
    for (let i = 0; i < 400; i++) {
      const example = randomExample(random);
      const text = renderer.render(example);
      expect(renderer.text(example)).toBe(text);
      expect(tokens.count(example)).toBe(encoded(text));
    }
    // Text as it comes, not only as the template frames it: the pieces in any order, unframed.
    const counter = createTokenCounter(json, tokenizer)!;
    for (let i = 0; i < 400; i++) {
      let text = '';
      for (let n = Math.floor(random() * 60); n > 0; n--)
        text += PIECES[Math.floor(random() * PIECES.length)];
      expect(counter(text), JSON.stringify(text)).toBe(encoded(text));
    }
  });

  it('run the tokenizer once per distinct word, not once per line', () => {
    const json = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer.json'), 'utf8')) as object;
    const tokenizer = new Tokenizer(json, config);
    const model = tokenizer.model!;
    let words = 0;
    Object.assign(tokenizer, { model: (pieces: string[]) => (words++, model(pieces)) });
    const counter = createTokenCounter(json, tokenizer)!;
    const line = 'the quick brown fox jumps over the lazy dog';
    const count = counter(line);
    expect(words).toBe(9); // "the" and " the" are two words
    for (let i = 0; i < 100; i++) expect(counter(line)).toBe(count);
    expect(words).toBe(9);
  });

  it('take the longest added token where two begin at the same place, as the tokenizer does', () => {
    const json = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer.json'), 'utf8')) as {
      added_tokens: Array<{ content: string } & Record<string, unknown>>;
    };
    // An added token that is a prefix of another one.
    json.added_tokens.push({ ...json.added_tokens[1], id: 1024, content: '<|im' });
    const tokenizer = new Tokenizer(json, config);
    const counter = createTokenCounter(json, tokenizer)!;
    for (const text of ['<|im_end|>', '<|im', 'a<|imb<|im_start|>c', '<|im<|im_end|>'])
      expect(counter(text), text).toBe(tokenizer.encode(text, { add_special_tokens: false }).ids.length);
  });

  it('count only where they are exact: not for a WordPiece tokenizer', () => {
    const embedDir = path.join(MODELS, 'tiny-embed/resolve/main');
    const json = JSON.parse(fs.readFileSync(path.join(embedDir, 'tokenizer.json'), 'utf8')) as object;
    expect(createTokenCounter(json, new Tokenizer(json, {}))).toBeNull();
    // The demo model's tokenizer with an added token that strips the space before it: not exact either.
    const chatJson = JSON.parse(fs.readFileSync(path.join(chatDir, 'tokenizer.json'), 'utf8')) as {
      added_tokens: Array<{ content: string; lstrip: boolean }>;
    };
    chatJson.added_tokens[0]!.lstrip = true;
    expect(createTokenCounter(chatJson, new Tokenizer(chatJson, config))).toBeNull();
  });

  it('are tight where they can be: a long run of one repeated token', () => {
    const example = { messages: [{ role: 'user', content: '<|im_end|>'.repeat(200) }] };
    const bounds = tokens.bounds(example)!;
    expect(tokens.count(example)).toBeLessThanOrEqual(bounds.atMost);
    expect(tokens.count(example)).toBeGreaterThanOrEqual(bounds.atLeast);
  });

  it('are not claimed for a tokenizer they do not hold for (WordPiece with a Bert normalizer)', () => {
    const embed = createChatTokens(path.join(MODELS, 'tiny-embed/resolve/main'));
    expect(embed.bounds({ messages: [{ role: 'user', content: 'hi' }] })).toBeNull();
  });
});

describe('validation with the bounds', () => {
  const maxTokens = 512;
  const counted = () => {
    let calls = 0;
    return {
      tokens: {
        count: (example: ChatExample) => (calls++, tokens.count(example)),
        bounds: tokens.bounds,
      },
      calls: () => calls,
    };
  };
  const write = (lines: unknown[]) => {
    const file = path.join(dir, `v${Math.random()}.jsonl`);
    fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    return file;
  };
  const chat = (user: string, assistant = 'ok') => ({
    messages: [
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
  });

  it('accepts short examples without tokenizing, and refuses very long ones without tokenizing', async () => {
    const short = chat('What is two plus two?', 'Four.');
    const long = chat('word '.repeat(2000)); // 10 kB: more than 512 tokens of at most 13 bytes each
    expect(tokens.count(long)).toBeGreaterThan(maxTokens); // the shortcut's verdict is the real one
    const spy = counted();
    const report = await validateDataset(write([long, ...Array.from({ length: 10 }, () => short)]), {
      maxTokens,
      tokens: spy.tokens,
    });
    expect(spy.calls()).toBe(0);
    expect(report.errors).toEqual([
      expect.objectContaining({
        line: 1,
        code: 'too_many_tokens',
        message: expect.stringMatching(/at least \d+/),
      }),
    ]);
    expect(report.examples).toBe(10);
    expect(report.total_tokens).toBeGreaterThanOrEqual(10 * tokens.count(short));
    expect(report.total_tokens).toBeLessThanOrEqual(10 * tokens.bounds(short)!.atMost);
  });

  it('tokenizes an example whose length proves neither, and judges it by its real count', async () => {
    // ~700 bytes of words: more bytes than the limit, fewer tokens than it.
    const fits = chat('the quick brown fox jumps over the lazy dog '.repeat(15));
    const overflows = chat('the quick brown fox jumps over the lazy dog '.repeat(120));
    for (const example of [fits, overflows]) {
      const bounds = tokens.bounds(example)!;
      expect(bounds.atMost).toBeGreaterThan(maxTokens);
      expect(bounds.atLeast).toBeLessThanOrEqual(maxTokens);
    }
    expect(tokens.count(fits)).toBeLessThanOrEqual(maxTokens);
    expect(tokens.count(overflows)).toBeGreaterThan(maxTokens);
    const spy = counted();
    const report = await validateDataset(write([fits, overflows]), {
      maxTokens,
      tokens: spy.tokens,
      minExamples: 1,
    });
    expect(spy.calls()).toBe(2);
    expect(report.examples).toBe(1);
    expect(report.total_tokens).toBe(tokens.count(fits));
    expect(report.errors).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'too_many_tokens',
        message: `The example has ${tokens.count(overflows)} tokens; the base model takes at most ${maxTokens}.`,
      }),
    ]);
  });
});
