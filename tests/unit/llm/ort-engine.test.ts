import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFiles } from '../../../src/core/model-files.ts';
import type { ChatCompletionChunk, ChatMessage } from '../../../src/engines/llm/contract.ts';
import type { LogitsProcessor, OutputParser } from '../../../src/engines/llm/generation-hooks.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { loadChatTokenizer, type ChatTokenizer } from '../../../src/engines/llm/text/tokenizer.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();
const question: ChatMessage[] = [{ role: 'user', content: 'What is Hearth?' }];
/** The greedy answer PyTorch gives (up to EOS, within the reference's 20 tokens). */
const eosAt = reference.fp32.tokens.indexOf(reference.eos_token_id);
const greedyTokens = eosAt === -1 ? reference.fp32.tokens : reference.fp32.tokens.slice(0, eosAt + 1);
const steps = reference.fp32.tokens.length;
let greedyText: string;
let engine: OrtChatEngine;
let tokenizer: ChatTokenizer;

beforeAll(async () => {
  tokenizer = await loadChatTokenizer(fsModelFiles(tinyChatModelId));
  greedyText = tokenizer.decode(greedyTokens);
  engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
    device: 'wasm',
    dtype: 'fp32',
    threads: 1,
  });
});
afterAll(() => engine.unload());

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}
const textOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]!.delta.content ?? '').join('');

describe('OrtChatEngine on WASM (tiny model)', () => {
  it('reports what it loaded and why', async () => {
    const caps = await engine.capabilities();
    expect(caps).toMatchObject({ backend: 'ort', device: 'wasm', dtype: 'fp32', contextLength: 512 });
    expect(caps.deviceReason).toContain('WASM was requested');
  });

  it('streams OpenAI-shaped chunks: role first, deltas, finish_reason and usage last', async () => {
    const chunks = await collect(
      await engine.create({ messages: question, stream: true, temperature: 0, max_tokens: steps }),
    );
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe(eosAt === -1 ? 'length' : 'stop');
    expect(last.usage).toMatchObject({
      prompt_tokens: reference.prompt.ids.length,
      completion_tokens: greedyTokens.length,
    });
    expect(last.usage!.timings.ttft_ms).toBeGreaterThan(0);
    expect(last.usage!.timings.decode_tok_s).toBeGreaterThan(0);
    expect(textOf(chunks)).toBe(greedyText);
    expect(chunks.slice(1, -1).length).toBeGreaterThan(3);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('gives the same text for the same seed, and another for another seed', async () => {
    const ask = (seed: number) =>
      engine.create({ messages: question, temperature: 1.5, top_k: 50, seed, max_tokens: 24 });
    const a = await ask(1);
    const b = await ask(1);
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    const others = await Promise.all([2, 3, 4].map(ask));
    expect(others.some((o) => o.choices[0]!.message.content !== a.choices[0]!.message.content)).toBe(true);
  });

  it('stops at a stop string spread over tokens, without emitting it', async () => {
    // A stop string that starts inside one token and ends inside another.
    const stop = greedyText.slice(9, 17);
    const completion = await engine.create({ messages: question, temperature: 0, stop: [stop] });
    expect(completion.choices[0]!.message.content).toBe(greedyText.slice(0, greedyText.indexOf(stop)));
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('ends with finish_reason length at max_tokens', async () => {
    const completion = await engine.create({ messages: question, temperature: 0, max_tokens: 3 });
    expect(completion.usage.completion_tokens).toBe(3);
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('aborting mid-stream ends the stream at once, and the next request runs normally', async () => {
    const controller = new AbortController();
    const stream = await engine.create({
      messages: question,
      stream: true,
      temperature: 0,
      signal: controller.signal,
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunks.length === 3) controller.abort();
    }
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('abort');
    expect(chunks.length).toBeLessThanOrEqual(5);
    const next = await engine.create({ messages: question, temperature: 0, max_tokens: steps });
    expect(next.choices[0]!.message.content).toBe(greedyText);
  });

  it('a whole (non-stream) request rejects with ABORTED when cancelled', async () => {
    const controller = new AbortController();
    const pending = engine.create({ messages: question, temperature: 0, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a consumer that breaks out of the stream frees the engine', async () => {
    const stream = await engine.create({ messages: question, stream: true, temperature: 0 });
    for await (const _ of stream) break;
    const next = await engine.create({ messages: question, temperature: 0, max_tokens: 2 });
    expect(next.usage.completion_tokens).toBe(2);
  });

  it('the second turn of a conversation prefills only its new tokens', async () => {
    const first = await engine.create({ messages: question, temperature: 0 });
    const answer = first.choices[0]!.message.content!;
    const before = engine.processedTokens;
    const second = await engine.create({
      messages: [
        ...question,
        { role: 'assistant', content: answer },
        { role: 'user', content: 'Where does it run?' },
      ],
      temperature: 0,
      max_tokens: 1,
    });
    const prefilled = engine.processedTokens - before;
    const { prompt_tokens, cached_prompt_tokens } = second.usage;
    // All of turn one's prompt and answer is reused; only the end of turn and the new question run.
    expect(cached_prompt_tokens).toBeGreaterThanOrEqual(
      first.usage.prompt_tokens + first.usage.completion_tokens - 1,
    );
    expect(prefilled).toBe(prompt_tokens - cached_prompt_tokens);
    expect(prefilled).toBeLessThan(20);
  });

  it('gives the same logits with and without the prefix cache (same greedy text)', async () => {
    const history: ChatMessage[] = [
      ...question,
      { role: 'assistant', content: greedyText },
      { role: 'user', content: 'What is Hearth?' },
    ];
    await engine.create({
      messages: [...question, { role: 'assistant', content: greedyText }],
      max_tokens: 1,
    });
    const warm = await engine.create({ messages: history, temperature: 0, max_tokens: steps });
    expect(warm.usage.cached_prompt_tokens).toBeGreaterThan(0);
    const fresh = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'fp32',
      threads: 1,
    });
    const cold = await fresh.create({ messages: history, temperature: 0, max_tokens: steps });
    await fresh.unload();
    expect(cold.usage.cached_prompt_tokens).toBe(0);
    expect(warm.choices[0]!.message.content).toBe(cold.choices[0]!.message.content);
  });

  it('refuses a prompt longer than the context with CONTEXT_OVERFLOW and keeps working', async () => {
    const long = [{ role: 'user' as const, content: 'Hearth runs models. '.repeat(200) }];
    await expect(engine.create({ messages: long })).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    const next = await engine.create({ messages: question, temperature: 0, max_tokens: 2 });
    expect(next.usage.completion_tokens).toBe(2);
  });

  it('validates requests at the boundary', async () => {
    await expect(engine.create({ messages: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(engine.create({ messages: question, temperature: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(engine.create({ messages: question, logit_bias: { '5000': 1 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('applies logit_bias by token id: +100 forces a token, -100 bans it', async () => {
    const first = reference.fp32.tokens[0]!; // "Hearth", the greedy first token
    const forced = await engine.create({
      messages: question,
      temperature: 0,
      max_tokens: 3,
      logit_bias: { [String(first)]: 100 },
    });
    expect(forced.choices[0]!.message.content).toBe(tokenizer.decode([first, first, first]));
    const banned = await engine.create({
      messages: question,
      temperature: 0,
      max_tokens: 3,
      logit_bias: { [String(first)]: -100 },
    });
    expect(banned.choices[0]!.message.content!.startsWith(tokenizer.decode([first]))).toBe(false);
  });
});

describe('OrtChatEngine with an overflow policy', () => {
  it("'truncate-oldest' drops old turns so a long conversation still answers", async () => {
    const small = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'fp32',
      threads: 1,
      contextLength: 96,
      overflow: 'truncate-oldest',
    });
    const history: ChatMessage[] = [];
    for (let i = 0; i < 6; i++) {
      history.push({ role: 'user', content: `Question ${i} about Hearth and its engines?` });
      history.push({ role: 'assistant', content: 'Hearth runs language models in the browser.' });
    }
    history.push(...question);
    const completion = await small.create({ messages: history, temperature: 0, max_tokens: 12 });
    expect(completion.usage.prompt_tokens + 12).toBeLessThanOrEqual(96);
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    // Usage says how many turns were left out: the rest alone is the same prompt, with none dropped.
    const dropped = completion.usage.dropped_messages!;
    expect(dropped).toBeGreaterThan(0);
    const rest = await small.create({ messages: history.slice(dropped), temperature: 0, max_tokens: 12 });
    expect(rest.usage.dropped_messages).toBe(0);
    expect(rest.usage.prompt_tokens).toBe(completion.usage.prompt_tokens);
    const strict = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'fp32',
      threads: 1,
      contextLength: 96,
    });
    await expect(strict.create({ messages: history, max_tokens: 12 })).rejects.toMatchObject({
      code: 'CONTEXT_OVERFLOW',
    });
    await strict.unload();
    await small.unload();
  });
});

describe('generation hooks', () => {
  it('calls the LogitsProcessor before each sample and the OutputParser on the text', async () => {
    const calls: string[] = [];
    const forced = reference.fp32.tokens.slice(0, 4);
    let step = 0;
    const processor: LogitsProcessor = {
      process(logits) {
        calls.push('process');
        // Allow only the reference token of this step: greedy must follow it.
        const keep = forced[step]!;
        for (let i = 0; i < logits.length; i++) if (i !== keep) logits[i] = -Infinity;
      },
      accept(id) {
        calls.push(`accept ${id}`);
        step++;
      },
      isComplete: () => step === forced.length,
      dispose: () => calls.push('dispose'),
    };
    const parser: OutputParser = {
      push: (text) => [{ type: 'content', text: text.toUpperCase() }],
      finish: () => [
        {
          type: 'tool_call',
          delta: { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
        },
      ],
    };
    const hooked = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'fp32',
      threads: 1,
      hooks: () => ({ logitsProcessor: processor, outputParser: parser }),
    });
    const completion = await hooked.create({ messages: question, temperature: 1, seed: 3 });
    await hooked.unload();
    expect(calls.filter((c) => c.startsWith('accept'))).toEqual(forced.map((id) => `accept ${id}`));
    expect(calls.at(-1)).toBe('dispose');
    expect(completion.choices[0]!.message.content).toBe(tokenizer.decode(forced).toUpperCase());
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

/** The bundled model's files, with some replaced or removed. */
function damaged(changes: Record<string, Uint8Array | null>): ModelFiles {
  const files = fsModelFiles(tinyChatModelId);
  return {
    ...files,
    async read(path, options) {
      if (path in changes) {
        const data = changes[path];
        if (!data) throw new Error(`ENOENT: ${path}`);
        return data;
      }
      return files.read(path, options);
    },
    async has(path) {
      if (path in changes) return changes[path] !== null;
      return files.has(path);
    },
  };
}

describe('broken models fail clearly', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it.each([
    ['a missing tokenizer.json', { 'tokenizer.json': null }, 'MODEL_FILE_MISSING'],
    ['a malformed config.json', { 'config.json': bytes('{"num_hidden_layers": ') }, 'MODEL_FILE_MALFORMED'],
    [
      'a truncated ONNX graph',
      { 'onnx/model.onnx': bytes('not an onnx model at all') },
      'MODEL_FILE_MALFORMED',
    ],
    ['missing q4 weights', { 'onnx/model_q4.onnx': null }, 'MODEL_FILE_MISSING'],
    [
      'a config that disagrees with the graph',
      { 'config.json': bytes('{"num_hidden_layers": 3}') },
      'MODEL_FILE_MALFORMED',
    ],
  ])('%s', async (_, changes, code) => {
    const dtype = 'onnx/model_q4.onnx' in changes ? 'q4' : 'fp32';
    await expect(loadOrtChatEngine(damaged(changes), { device: 'wasm', dtype })).rejects.toMatchObject({
      code,
    });
  });
});
