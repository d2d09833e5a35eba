// The byte-length bounds that let validation skip tokenizing hold against the real tokenizer and chat template.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatRenderer } from '../../../server/datasets/chat-template.ts';
import { createChatTokens, longestTokenBytes } from '../../../server/datasets/chat-tokens.ts';
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
