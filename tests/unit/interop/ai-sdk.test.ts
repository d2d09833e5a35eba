import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { HearthLanguageModel } from '../../../src/interop/ai-sdk/index.ts';
import { scriptedChat } from './scripted-chat.ts';

const ask = (text: string): LanguageModelV4Prompt => [{ role: 'user', content: [{ type: 'text', text }] }];

const weather = {
  type: 'function' as const,
  name: 'weather',
  description: 'Weather in a city.',
  inputSchema: { type: 'object' as const, properties: { city: { type: 'string' as const } } },
};

async function readAll(
  stream: ReadableStream<LanguageModelV4StreamPart>,
): Promise<LanguageModelV4StreamPart[]> {
  const parts: LanguageModelV4StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe('HearthLanguageModel: AI SDK calls as chat completions', () => {
  it('maps the prompt: tool calls with their input as JSON, every tool result kind as text', async () => {
    const { chat, requests } = scriptedChat([{ content: ['ok'] }]);
    const prompt: LanguageModelV4Prompt = [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read this: ' },
          { type: 'file', mediaType: 'text/plain', data: { type: 'text', text: 'notes' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'hidden' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'weather', input: { city: 'Rome' } },
          { type: 'tool-call', toolCallId: 'c3', toolName: 'weather', input: { city: 'Nice' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'weather',
            output: { type: 'json', value: { t: 21 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'weather',
            output: { type: 'error-text', value: 'down' },
          },
          {
            type: 'tool-result',
            toolCallId: 'c3',
            toolName: 'weather',
            output: { type: 'execution-denied', reason: 'not now' },
          },
        ],
      },
    ];
    await new HearthLanguageModel(chat).doGenerate({ prompt });
    expect(requests[0]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Read this: notes' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          { id: 'c3', type: 'function', function: { name: 'weather', arguments: '{"city":"Nice"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"t":21}' },
      { role: 'tool', tool_call_id: 'c2', content: 'down' },
      { role: 'tool', tool_call_id: 'c3', content: 'Tool execution denied: not now' },
    ]);
  });

  it('maps the settings, tools, tool choice and JSON output; warns about what it cannot honour', async () => {
    const { chat, requests } = scriptedChat([{ content: ['{}'] }, { content: ['{}'] }]);
    const model = new HearthLanguageModel(chat, { adapter: 'support@3' });
    const options: LanguageModelV4CallOptions = {
      prompt: ask('Hi'),
      maxOutputTokens: 16,
      temperature: 0.2,
      topP: 0.9,
      topK: 5,
      stopSequences: ['\n\n'],
      seed: 4,
      tools: [weather, { type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} }],
      toolChoice: { type: 'tool', toolName: 'weather' },
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'report' },
      reasoning: 'high',
      providerOptions: { hearth: { repetition_penalty: 1.1 } },
    };
    const result = await model.doGenerate(options);
    expect(requests[0]).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      adapter: 'support@3',
      repetition_penalty: 1.1,
      max_tokens: 16,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop: ['\n\n'],
      seed: 4,
      stream: false,
      response_format: { type: 'json_schema', json_schema: { name: 'report', schema: { type: 'object' } } },
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Weather in a city.', parameters: weather.inputSchema },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(result.warnings).toEqual([
      { type: 'unsupported', feature: "provider tool 'web_search'" },
      { type: 'unsupported', feature: 'reasoning' },
    ]);
    // JSON without a schema is still JSON (the engine's JSON grammar); no tools means no tool choice.
    await model.doGenerate({
      prompt: ask('Hi'),
      responseFormat: { type: 'json' },
      toolChoice: { type: 'required' },
    });
    expect(requests[1]!.response_format).toEqual({ type: 'json_object' });
    expect(requests[1]).not.toHaveProperty('tool_choice');
  });

  it('refuses files it cannot read and unknown Hearth options, naming them', async () => {
    const { chat } = scriptedChat([]);
    const model = new HearthLanguageModel(chat);
    const image: LanguageModelV4Prompt = [
      {
        role: 'user',
        content: [
          { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://x/y.png') } },
        ],
      },
    ];
    const refused = await model.doGenerate({ prompt: image }).catch((e) => e);
    expect(isHearthError(refused, 'UNSUPPORTED')).toBe(true);
    expect((refused as Error).message).toContain("'image/png'");
    const unknown = await model
      .doGenerate({ prompt: ask('Hi'), providerOptions: { hearth: { beam: 4 } } })
      .catch((e) => e);
    expect(isHearthError(unknown, 'INVALID_INPUT')).toBe(true);
    expect((unknown as Error).message).toMatch(/providerOptions\.hearth: beam/);
  });

  it('doGenerate: text and tool calls as content, finish reason, usage with cache reads, Hearth timings', async () => {
    const { chat } = scriptedChat([
      {
        content: ['Checking.'],
        toolCalls: [
          [{ index: 0, id: 'call_1', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
        ],
        finish: 'tool_calls',
        usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, cached_prompt_tokens: 20 },
      },
    ]);
    const result = await new HearthLanguageModel(chat, { modelId: 'tiny' }).doGenerate({
      prompt: ask('Weather?'),
      tools: [weather],
    });
    expect(result.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Oslo"}' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(result.usage).toEqual({
      inputTokens: { total: 30, noCache: 10, cacheRead: 20, cacheWrite: undefined },
      outputTokens: { total: 12, text: 12, reasoning: undefined },
      raw: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, cached_prompt_tokens: 20 },
    });
    expect(result.providerMetadata).toEqual({
      hearth: { ttftMs: 5, prefillTokensPerSecond: 100, decodeTokensPerSecond: 50, totalMs: 20 },
    });
    expect(result.response).toEqual({
      id: 'chatcmpl-1',
      timestamp: new Date(1_700_000_000_000),
      modelId: 'tiny',
    });
  });

  it('doStream: start, metadata, text block, tool input deltas per call, calls, finish', async () => {
    const { chat } = scriptedChat([
      {
        content: ['Hel', 'lo'],
        toolCalls: [
          [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":' },
            },
          ],
          [{ index: 1, id: 'call_2', type: 'function', function: { name: 'weather', arguments: '' } }],
          [{ index: 0, function: { arguments: '"Oslo"}' } }],
          [{ index: 1, function: { arguments: '{"city":"Rome"}' } }],
        ],
        finish: 'tool_calls',
      },
    ]);
    const { stream } = await new HearthLanguageModel(chat).doStream({
      prompt: ask('Weather?'),
      tools: [weather],
      includeRawChunks: true,
    });
    const parts = await readAll(stream);
    const raw = parts.filter((part) => part.type === 'raw');
    expect(raw).toHaveLength(8);
    expect(parts.filter((part) => part.type !== 'raw')).toEqual([
      { type: 'stream-start', warnings: [] },
      {
        type: 'response-metadata',
        id: 'chatcmpl-1',
        timestamp: new Date(1_700_000_000_000),
        modelId: 'tiny',
      },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hel' },
      { type: 'text-delta', id: 'text-0', delta: 'lo' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"city":' },
      { type: 'tool-input-start', id: 'call_2', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '"Oslo"}' },
      { type: 'tool-input-delta', id: 'call_2', delta: '{"city":"Rome"}' },
      { type: 'text-end', id: 'text-0' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Oslo"}' },
      { type: 'tool-input-end', id: 'call_2' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Rome"}' },
      {
        type: 'finish',
        usage: expect.objectContaining({
          inputTokens: { total: 10, noCache: 4, cacheRead: 6, cacheWrite: undefined },
        }),
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        providerMetadata: { hearth: expect.objectContaining({ ttftMs: 5 }) },
      },
    ]);
  });

  it('a stopped stream errors with the signal’s reason; a cancelled one stops the engine', async () => {
    const stalled = scriptedChat([{ content: ['a', 'b'], stallAt: 2 }]);
    const controller = new AbortController();
    const { stream } = await new HearthLanguageModel(stalled.chat).doStream({
      prompt: ask('Hi'),
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    const error = await readAll(stream).catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as DOMException).name).toBe('AbortError');

    const cancelled = scriptedChat([{ content: ['a', 'b'], stallAt: 2 }]);
    const reader = (
      await new HearthLanguageModel(cancelled.chat).doStream({ prompt: ask('Hi') })
    ).stream.getReader();
    await reader.read();
    const engineSignal = cancelled.requests[0]!.signal!;
    expect(engineSignal.aborted).toBe(false);
    await reader.cancel();
    expect(engineSignal.aborted).toBe(true);
  });
});
