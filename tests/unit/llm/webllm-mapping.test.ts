import type * as webllm from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../../src/engines/llm/contract.ts';
import { loadWebLlmChatEngine } from '../../../src/engines/llm/webllm/load.ts';
import { toWebLlmRequest } from '../../../src/engines/llm/webllm/mapping.ts';
import type { WebLlmEngineLike } from '../../../src/engines/llm/webllm/webllm-chat-engine.ts';

/**
 * web-llm cannot run here (no MLC model files, no shader-f16): these tests pin our mapping at its
 * boundary against a fake with web-llm's documented object shapes.
 */
class FakeMlcEngine implements WebLlmEngineLike {
  requests: webllm.ChatCompletionRequest[] = [];
  interrupted = 0;
  unloaded = false;
  private interruptedFlag = false;
  chat = {
    completions: {
      create: async (request: webllm.ChatCompletionRequest) => {
        this.requests.push(request);
        this.interruptedFlag = false;
        return request.stream ? this.stream() : this.completion();
      },
    },
  };
  interruptGenerate() {
    this.interrupted++;
    this.interruptedFlag = true;
  }
  async unload() {
    this.unloaded = true;
  }
  private usage(): webllm.CompletionUsage {
    return {
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      extra: {
        e2e_latency_s: 0.5,
        prefill_tokens_per_s: 240,
        decode_tokens_per_s: 30,
        time_to_first_token_s: 0.05,
        time_per_output_token_s: 0.033,
      },
    };
  }
  private completion(): webllm.ChatCompletion {
    return {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'Fake-q4f32_1-MLC',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: '0', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }],
          },
        },
      ],
      usage: this.usage(),
    } as webllm.ChatCompletion;
  }
  private async *stream(): AsyncGenerator<webllm.ChatCompletionChunk> {
    const base = {
      id: 'chatcmpl-2',
      object: 'chat.completion.chunk' as const,
      created: 2,
      model: 'Fake-q4f32_1-MLC',
    };
    for (const [i, text] of ['Hel', 'lo', ' there'].entries()) {
      if (this.interruptedFlag) break;
      yield {
        ...base,
        choices: [
          { index: 0, delta: { role: 'assistant', content: text }, finish_reason: null, logprobs: null },
        ],
      } as webllm.ChatCompletionChunk;
      if (i === 2)
        yield {
          ...base,
          choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }],
        } as webllm.ChatCompletionChunk;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.interruptedFlag) {
      yield {
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: 'abort', logprobs: null }],
      } as webllm.ChatCompletionChunk;
    }
    yield { ...base, choices: [], usage: this.usage() } as webllm.ChatCompletionChunk;
  }
}

const appConfig = {
  model_list: [
    {
      model: 'x',
      model_id: 'Fake-q4f32_1-MLC',
      model_lib: 'x.wasm',
      overrides: { context_window_size: 2048 },
    },
    { model: 'y', model_id: 'Fake-q4f16_1-MLC', model_lib: 'y.wasm', required_features: ['shader-f16'] },
  ],
} as webllm.AppConfig;

async function load(fake: FakeMlcEngine, modelId = 'Fake-q4f32_1-MLC', features = new Set<string>()) {
  return loadWebLlmChatEngine(modelId, {
    appConfig,
    createEngine: async () => fake,
    gpuFeatures: async () => features,
    toolModelIds: ['Fake-q4f32_1-MLC'],
  });
}

describe('web-llm mapping', () => {
  it('passes OpenAI fields through, asks for usage in streams, and turns a JSON schema into web-llm form', () => {
    const mapped = toWebLlmRequest({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
      stop: ['\n'],
      logit_bias: { '7': -100 },
      repetition_penalty: 1.1,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      signal: new AbortController().signal,
    });
    expect(mapped).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
      stop: ['\n'],
      logit_bias: { '7': -100 },
      repetition_penalty: 1.1,
      response_format: { type: 'json_object', schema: '{"type":"object"}' },
    });
  });

  it('refuses what web-llm cannot do instead of ignoring it', () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    expect(() => toWebLlmRequest({ messages, top_k: 40 })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
    expect(() => toWebLlmRequest({ messages, adapter: 'a@1' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
  });
});

describe('WebLlmChatEngine over a fake MLC engine', () => {
  it('maps a completion with tool calls and usage timings', async () => {
    const engine = await load(new FakeMlcEngine());
    const completion = await engine.create({ messages: [{ role: 'user', content: 'find x' }] });
    expect(completion.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: '0', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }],
      },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      cached_prompt_tokens: 0,
      timings: { ttft_ms: 50, prefill_tok_s: 240, decode_tok_s: 30, total_ms: 500 },
    });
  });

  it('streams deltas and ends with one chunk holding finish_reason and usage', async () => {
    const engine = await load(new FakeMlcEngine());
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await engine.create({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('Hello there');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices[0]!.delta.role)).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe('stop');
    expect(last.usage?.completion_tokens).toBe(3);
    expect(chunks.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null && !c.usage)).toBe(true);
  });

  it('an AbortSignal interrupts web-llm and the stream ends with finish_reason abort', async () => {
    const fake = new FakeMlcEngine();
    const engine = await load(fake);
    const controller = new AbortController();
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await engine.create({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      signal: controller.signal,
    })) {
      chunks.push(chunk);
      if (chunks.length === 1) controller.abort();
    }
    expect(fake.interrupted).toBe(1);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('abort');
    const next = await engine.create({ messages: [{ role: 'user', content: 'again' }] });
    expect(next.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('reports capabilities from the model record', async () => {
    const engine = await load(new FakeMlcEngine());
    expect(await engine.capabilities()).toMatchObject({
      backend: 'webllm',
      device: 'webgpu',
      contextLength: 2048,
      dtype: 'q4f32',
      supportsTools: true,
      supportsAdapters: false,
    });
  });

  it('checks WebGPU, shader-f16 and the model id before loading', async () => {
    const fake = new FakeMlcEngine();
    await expect(load(fake, 'Fake-q4f16_1-MLC')).rejects.toMatchObject({ code: 'WEBGPU_UNAVAILABLE' });
    await expect(load(fake, 'Fake-q4f16_1-MLC', new Set(['shader-f16']))).resolves.toBeDefined();
    await expect(load(fake, 'Nope-MLC')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(
      loadWebLlmChatEngine('Fake-q4f32_1-MLC', {
        appConfig,
        createEngine: async () => fake,
        gpuFeatures: async () => null,
        toolModelIds: [],
      }),
    ).rejects.toMatchObject({ code: 'WEBGPU_UNAVAILABLE' });
    await expect(loadWebLlmChatEngine('Fake-q4f32_1-MLC', { device: 'wasm' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });

  it('validates requests and unloads', async () => {
    const fake = new FakeMlcEngine();
    const engine = await load(fake);
    await expect(engine.create({ messages: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await engine.unload();
    expect(fake.unloaded).toBe(true);
    await expect(engine.create({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'MODEL_NOT_LOADED',
    });
  });
});
