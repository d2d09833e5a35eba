import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatMessage } from '../../../../src/engines/llm/contract.ts';
import { vocabularyFromTokenizerJson } from '../../../../src/engines/llm/grammar/index.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { detectToolCallFormat, toolHooksFactory } from '../../../../src/engines/llm/tools/index.ts';
import { fsModelFiles } from '../../../support/fs-model-files.ts';
import { loadChatReference, tinyChatModelId } from '../reference.ts';

// The chat engine on Hearth's WASM decoder: what the ORT sessions offer must hold here too
// (streaming, abort, prefix-cache reuse, constrained decoding, LoRA per request).
const reference = loadChatReference();
const modelDir = resolve(import.meta.dirname, '../../../../public/models', tinyChatModelId, 'resolve/main');
const readJson = <T>(file: string) => JSON.parse(readFileSync(resolve(modelDir, file), 'utf8')) as T;
const question: ChatMessage[] = [{ role: 'user', content: 'What is Hearth?' }];
let engine: OrtChatEngine;

beforeAll(async () => {
  const tokenizerJson = readJson<never>('tokenizer.json');
  const config = readJson<{ chat_template: string }>('tokenizer_config.json');
  engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
    device: 'wasm',
    dtype: 'q4',
    threads: 1,
    hooks: toolHooksFactory({
      modelId: tinyChatModelId,
      toolFormat: detectToolCallFormat(config.chat_template),
      constrain: true,
      vocabulary: vocabularyFromTokenizerJson(tokenizerJson, {
        id: `${tinyChatModelId}@main`,
        vocabSize: readJson<{ vocab_size: number }>('config.json').vocab_size,
        stopTokenIds: readJson<{ eos_token_id: number[] }>('generation_config.json').eos_token_id,
      }),
    }),
  });
}, 60_000);
afterAll(() => engine?.unload());

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('the chat engine on the WASM decoder (tiny model, q4)', () => {
  it("'auto' runs 4-bit weights on it and says what they cost in memory", async () => {
    const caps = await engine.capabilities();
    expect(caps.weights).toMatchObject({ path: 'wasm-q4', simd: expect.stringMatching(/^(relaxed|plain)$/) });
    // Goal: the weights' heap bytes at most 1.25x the file's (nibbles as stored, scales and zero points regrouped).
    expect(caps.weights!.residentBytes / caps.weights!.fileBytes).toBeLessThanOrEqual(1.25);
    expect(caps.deviceReason).toMatch(
      /Hearth's WASM decoder \(4-bit x 8-bit (relaxed|plain) SIMD kernels, 1 thread/,
    );
    expect(caps.supportsAdapters && caps.supportsGrammar).toBe(true);
  });

  it('streams, stops on abort with finish_reason abort, and the next request runs normally', async () => {
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
      if (chunks.length === 4) controller.abort('stop pressed');
    }
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('abort');
    expect(chunks.length).toBeLessThan(reference.q4.tokens.length);
    const next = await collect(
      await engine.create({ messages: question, stream: true, temperature: 0, max_tokens: 5 }),
    );
    expect(next.at(-1)!.choices[0]!.finish_reason).toBe('length');
  });

  it('the second turn of a conversation prefills only its new tokens, with the same answer as a cold start', async () => {
    const first = await engine.create({ messages: question, temperature: 0, max_tokens: 8 });
    const second: ChatMessage[] = [
      ...question,
      { role: 'assistant', content: first.choices[0]!.message.content ?? '' },
      { role: 'user', content: 'Can it work offline?' },
    ];
    const before = engine.processedTokens;
    const warm = await engine.create({ messages: second, temperature: 0, max_tokens: 8 });
    const prefilled = engine.processedTokens - before - (warm.usage.completion_tokens - 1);
    expect(warm.usage.cached_prompt_tokens).toBeGreaterThan(20);
    expect(prefilled).toBe(warm.usage.prompt_tokens - warm.usage.cached_prompt_tokens);
    // A request that shares nothing resets the cache; then the same turn again, cold.
    await engine.create({ messages: [{ role: 'system', content: 'x' }], temperature: 0, max_tokens: 1 });
    const cold = await engine.create({ messages: second, temperature: 0, max_tokens: 8 });
    expect(cold.choices[0]!.message.content).toBe(warm.choices[0]!.message.content);
  });

  it('constrained decoding: json_schema output parses and validates', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 12 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
      },
      required: ['name', 'age'],
      additionalProperties: false,
    };
    const validate = new Ajv({ strict: false }).compile(schema);
    for (let seed = 0; seed < 5; seed++) {
      const completion = await engine.create({
        messages: [{ role: 'user', content: 'Reply with a JSON profile.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'profile', schema } },
        seed,
        temperature: 1,
        max_tokens: 120,
      });
      expect(validate(JSON.parse(completion.choices[0]!.message.content ?? ''))).toBe(true);
    }
  });

  it('LoRA per request: an adapter changes the answer; no adapter gives the base answer again', async () => {
    const files = (name: string) => ({
      config: JSON.parse(
        readFileSync(
          resolve(import.meta.dirname, `../../../fixtures/adapters/${name}/adapter_config.json`),
          'utf8',
        ),
      ) as unknown,
      weights: new Uint8Array(
        readFileSync(
          resolve(import.meta.dirname, `../../../fixtures/adapters/${name}/adapter_model.safetensors`),
        ),
      ),
    });
    await engine.adapters.load('upper-r8@1', files('upper-r8'));
    const base = await engine.create({ messages: question, temperature: 0, max_tokens: 12 });
    const upper = await engine.create({
      messages: question,
      temperature: 0,
      max_tokens: 12,
      adapter: 'upper-r8@1',
    });
    const again = await engine.create({ messages: question, temperature: 0, max_tokens: 12 });
    const text = upper.choices[0]!.message.content ?? '';
    // The adapter was trained on the fp32 base; on the 4-bit base it answers what onnxruntime-web's own
    // dequantised 4-bit path answers with it (the logits are checked against PyTorch in parity.test.ts).
    const ort = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'q4',
      threads: 1,
      wasmQuantized: 'fp32',
    });
    await ort.adapters.load('upper-r8@1', files('upper-r8'));
    const ortUpper = await ort.create({
      messages: question,
      temperature: 0,
      max_tokens: 12,
      adapter: 'upper-r8@1',
    });
    await ort.unload();
    expect(text).toBe(ortUpper.choices[0]!.message.content);
    expect(text).not.toBe(base.choices[0]!.message.content);
    expect(again.choices[0]!.message.content).toBe(base.choices[0]!.message.content);
    await engine.adapters.unload('upper-r8@1');
  });
});
