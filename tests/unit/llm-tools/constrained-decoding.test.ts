import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError, type HearthErrorCode } from '../../../src/core/errors.ts';
import type {
  ChatCompletion,
  ChatCompletionRequest,
  FunctionTool,
} from '../../../src/engines/llm/contract.ts';
import { vocabularyFromTokenizerJson } from '../../../src/engines/llm/grammar/index.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { detectToolCallFormat, toolHooksFactory } from '../../../src/engines/llm/tools/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';

const modelId = 'hearth-demo/tiny-llama-chat';
const modelDir = resolve(import.meta.dirname, '../../../public/models', modelId, 'resolve/main');
const readJson = <T = Record<string, unknown>>(file: string) =>
  JSON.parse(readFileSync(resolve(modelDir, file), 'utf8')) as T;

/** Bounded fields: the tiny model writes noise, and an unbounded string is valid JSON that never ends. */
const profileSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    role: { enum: ['admin', 'user', 'guest'] },
    active: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string', maxLength: 6 }, maxItems: 3 },
  },
  required: ['name', 'age', 'role'],
  additionalProperties: false,
};

const tools: FunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'search_index',
      description: 'Search the local document index.',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', maxLength: 16 },
          k: { type: 'integer', minimum: 1, maximum: 10 },
        },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['celsius', 'fahrenheit'] } },
        required: ['city', 'unit'],
      },
    },
  },
];

const ajv = new Ajv({ strict: false });
const validators = new Map(tools.map((t) => [t.function.name, ajv.compile(t.function.parameters!)]));
const messages: ChatCompletionRequest['messages'] = [
  { role: 'user', content: 'Find notes about embeddings.' },
];
const RUNS = 50;

describe('constrained decoding with the tiny demo model (ORT, WASM)', () => {
  let engine: OrtChatEngine;

  beforeAll(async () => {
    const tokenizerJson = readJson('tokenizer.json');
    const config = readJson('tokenizer_config.json');
    const generation = readJson<{ eos_token_id: number[] }>('generation_config.json');
    const modelConfig = readJson<{ vocab_size: number }>('config.json');
    const toolFormat = detectToolCallFormat(config.chat_template as string);
    expect(toolFormat?.format).toBe('hermes');
    engine = await loadOrtChatEngine(fsModelFiles(modelId), {
      device: 'wasm',
      dtype: 'fp32',
      hooks: toolHooksFactory({
        modelId,
        toolFormat,
        constrain: true,
        vocabulary: vocabularyFromTokenizerJson(tokenizerJson as never, {
          id: `${modelId}@main`,
          vocabSize: modelConfig.vocab_size,
          stopTokenIds: generation.eos_token_id,
        }),
      }),
    });
  }, 120_000);

  afterAll(() => engine?.unload());

  it('cannot write this JSON unconstrained, so the test below measures the grammar', async () => {
    const plain = (await engine.create({
      messages: [{ role: 'user', content: 'Reply with a JSON profile.' }],
      seed: 1,
      max_tokens: 60,
    })) as ChatCompletion;
    const validate = ajv.compile(profileSchema);
    let valid: boolean;
    try {
      valid = validate(JSON.parse(plain.choices[0]!.message.content ?? ''));
    } catch {
      valid = false;
    }
    expect(valid).toBe(false);
  });

  it(`json_schema: ${RUNS} seeded generations all parse and validate`, async () => {
    const validate = ajv.compile(profileSchema);
    const outputs = new Set<string>();
    for (let seed = 0; seed < RUNS; seed++) {
      const completion = await engine.create({
        messages: [{ role: 'user', content: 'Reply with a JSON profile.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'profile', schema: profileSchema } },
        seed,
        temperature: 1,
        max_tokens: 200,
      });
      const text = completion.choices[0]!.message.content ?? '';
      const value: unknown = JSON.parse(text);
      expect(validate(value), `seed ${seed}: ${text} ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      outputs.add(text);
    }
    // Sampling really varied: the grammar did not collapse every run into one string.
    expect(outputs.size).toBeGreaterThan(RUNS / 2);
  }, 300_000);

  it('json_object: always one JSON object', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const completion = await engine.create({
        messages,
        response_format: { type: 'json_object' },
        seed,
        temperature: 0.7,
        max_tokens: 200,
      });
      const text = completion.choices[0]!.message.content ?? '';
      if (completion.choices[0]!.finish_reason === 'length') continue; // any object may be long
      const value: unknown = JSON.parse(text);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value), text).toBe(true);
    }
  }, 120_000);

  it(`tool_choice required: ${RUNS} seeded generations are all valid calls of declared tools`, async () => {
    for (let seed = 0; seed < RUNS; seed++) {
      const completion = await engine.create({
        messages,
        tools,
        tool_choice: 'required',
        parallel_tool_calls: false,
        seed,
        temperature: 1,
        max_tokens: 200,
      });
      const { message, finish_reason } = completion.choices[0]!;
      const where = `seed ${seed}: ${JSON.stringify(message)}`;
      expect(finish_reason, where).toBe('tool_calls');
      expect(message.tool_calls?.length, where).toBe(1);
      expect(message.content ?? '', where).toBe('');
      for (const call of message.tool_calls!) {
        const validate = validators.get(call.function.name);
        expect(validate, where).toBeDefined();
        expect(
          validate!(JSON.parse(call.function.arguments)),
          `${where} ${ajv.errorsText(validate!.errors)}`,
        ).toBe(true);
        expect(call.id).toMatch(/^call_/);
      }
    }
  }, 300_000);

  it('parallel calls: each finished call is valid, and runs that stop hold several', async () => {
    let several = 0;
    for (let seed = 0; seed < 10; seed++) {
      const completion = await engine.create({
        messages,
        tools,
        tool_choice: 'required',
        seed,
        max_tokens: 400,
      });
      const { message, finish_reason } = completion.choices[0]!;
      if (finish_reason !== 'tool_calls') continue;
      if (message.tool_calls!.length > 1) several++;
      for (const call of message.tool_calls!) {
        expect(validators.get(call.function.name)!(JSON.parse(call.function.arguments))).toBe(true);
      }
    }
    expect(several).toBeGreaterThan(0);
  }, 120_000);

  it('a named tool_choice forces exactly that function', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const completion = await engine.create({
        messages,
        tools,
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        seed,
        temperature: 1,
        max_tokens: 200,
      });
      const calls = completion.choices[0]!.message.tool_calls ?? [];
      expect(calls.map((c) => c.function.name)).toEqual(['get_weather']);
      expect(validators.get('get_weather')!(JSON.parse(calls[0]!.function.arguments))).toBe(true);
    }
  }, 120_000);

  it('tool_choice none: a model pushed to open a call cannot (the opener is masked); auto with the same push calls', async () => {
    const opener = readJson<{ added_tokens: Array<{ id: number; content: string }> }>(
      'tokenizer.json',
    ).added_tokens.find((token) => token.content === '<tool_call>')!.id;
    const pushed = { messages, tools, seed: 3, max_tokens: 40, logit_bias: { [opener]: 100 } };
    const auto = await engine.create({ ...pushed, tool_choice: 'auto' });
    expect(auto.choices[0]!.message.tool_calls?.length).toBeGreaterThan(0);
    const none = await engine.create({ ...pushed, tool_choice: 'none' });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.message.content).not.toContain('<tool_call>');
    expect(none.usage.completion_tokens).toBeGreaterThan(0);
  }, 120_000);

  it('streams tool_calls deltas that add up to the same calls as the whole completion', async () => {
    const request = {
      messages,
      tools,
      tool_choice: 'required' as const,
      seed: 7,
      temperature: 1,
      max_tokens: 200,
    };
    const whole = await engine.create(request);
    const calls: Array<{ id?: string; name: string; arguments: string }> = [];
    let finish: string | null = null;
    for await (const chunk of await engine.create({ ...request, stream: true })) {
      for (const delta of chunk.choices[0]!.delta.tool_calls ?? []) {
        if (delta.id) calls[delta.index] = { id: delta.id, name: delta.function!.name!, arguments: '' };
        calls[delta.index]!.arguments += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]!.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls.map(({ name, arguments: a }) => ({ name, arguments: a }))).toEqual(
      whole.choices[0]!.message.tool_calls!.map((c) => ({
        name: c.function.name,
        arguments: c.function.arguments,
      })),
    );
  }, 60_000);

  describe('bad input fails before any generation', () => {
    const cases: Array<[string, Partial<ChatCompletionRequest>, HearthErrorCode, RegExp]> = [
      [
        'a schema the grammar compiler rejects',
        {
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'x', schema: { $ref: '#/$defs/nowhere' } },
          },
        },
        'GRAMMAR_REJECTED',
        /nowhere/,
      ],
      [
        'a tool with an invalid schema',
        {
          tools: [
            {
              type: 'function',
              function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'strin' } } } },
            },
          ],
        },
        'INVALID_INPUT',
        /tools\[0\] \(f\).*properties\.a\.type/,
      ],
      [
        'tool_choice naming an unknown tool',
        { tools, tool_choice: { type: 'function', function: { name: 'launch' } } },
        'INVALID_INPUT',
        /"launch", which is not in tools \(search_index, get_weather\)/,
      ],
      ['tool_choice required without tools', { tool_choice: 'required' }, 'INVALID_INPUT', /needs tools/],
    ];
    for (const [name, extra, code, message] of cases) {
      it(name, async () => {
        const before = engine.processedTokens;
        const error = await engine.create({ messages, max_tokens: 5, ...extra }).catch((e: unknown) => e);
        expect(isHearthError(error, code), String(error)).toBe(true);
        expect((error as Error).message).toMatch(message);
        expect(engine.processedTokens).toBe(before);
      });
    }
  });
});
