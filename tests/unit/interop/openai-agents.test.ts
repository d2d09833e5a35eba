import type { AgentInputItem, ModelRequest, StreamEvent } from '@openai/agents-core';
import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { HearthModel, HearthModelProvider } from '../../../src/interop/openai-agents/index.ts';
import { scriptedChat } from './scripted-chat.ts';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather in a city.',
  parameters: {
    type: 'object' as const,
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false as const,
  },
  strict: true,
};

const answerSchema = {
  type: 'object' as const,
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false as const,
};

function modelRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    input: 'Weather in Oslo?',
    modelSettings: {},
    tools: [],
    outputType: 'text',
    handoffs: [],
    tracing: false,
    ...overrides,
  } as ModelRequest;
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('HearthModel: agents-core requests as chat completions', () => {
  it('puts the instructions first and keeps an assistant turn (text and its calls) as one message', async () => {
    const { chat, requests } = scriptedChat([{ content: ['done'] }]);
    const input: AgentInputItem[] = [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Weather ' },
          { type: 'input_text', text: 'in Oslo?' },
        ],
      },
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Let me look.' }],
      },
      {
        type: 'function_call',
        callId: 'c1',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
      { type: 'function_call', callId: 'c2', name: 'get_weather', arguments: '', status: 'completed' },
      {
        type: 'function_call_result',
        callId: 'c1',
        name: 'get_weather',
        status: 'completed',
        output: 'sunny',
      },
      {
        type: 'function_call_result',
        callId: 'c2',
        name: 'get_weather',
        status: 'completed',
        output: { type: 'text', text: 'rain' },
      },
      { type: 'reasoning', content: [] },
    ];
    await new HearthModel(chat).getResponse(modelRequest({ systemInstructions: 'Be brief.', input }));
    expect(requests[0]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'c2', content: 'rain' },
    ]);
  });

  it('sends tools and handoffs as function tools, the settings, the output schema and the signal', async () => {
    const { chat, requests } = scriptedChat([{ content: ['{}'] }]);
    const signal = new AbortController().signal;
    await new HearthModel(chat, { adapter: 'support@3', seed: 1 }).getResponse(
      modelRequest({
        tools: [weatherTool],
        handoffs: [
          {
            toolName: 'transfer_to_weather',
            toolDescription: 'Hand off.',
            inputJsonSchema: { type: 'object', properties: {}, required: [], additionalProperties: false },
            strictJsonSchema: true,
          },
        ],
        modelSettings: {
          temperature: 0.5,
          topP: 0.9,
          maxTokens: 32,
          toolChoice: 'transfer_to_weather',
          providerData: { seed: 2, top_k: 40 },
        },
        outputType: { type: 'json_schema', name: 'answer', strict: true, schema: answerSchema },
        signal,
      }),
    );
    expect(requests[0]).toEqual({
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      adapter: 'support@3',
      seed: 2,
      top_k: 40,
      temperature: 0.5,
      top_p: 0.9,
      max_tokens: 32,
      stream: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: answerSchema, strict: true },
      },
      signal,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather in a city.',
            parameters: weatherTool.parameters,
            strict: true,
          },
        },
        {
          type: 'function',
          function: {
            name: 'transfer_to_weather',
            description: 'Hand off.',
            parameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
            strict: true,
          },
        },
      ],
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'transfer_to_weather' } },
    });
  });

  it('sends no tool choice when there are no tools, and refuses what a text model cannot read', async () => {
    const { chat, requests } = scriptedChat([{ content: ['ok'] }]);
    await new HearthModel(chat).getResponse(modelRequest({ modelSettings: { toolChoice: 'auto' } }));
    expect(requests[0]).not.toHaveProperty('tool_choice');
    expect(requests[0]).not.toHaveProperty('tools');

    const image: AgentInputItem[] = [
      { role: 'user', content: [{ type: 'input_image', image: 'https://x/y.png' }] },
    ];
    const refused = await new HearthModel(chat).getResponse(modelRequest({ input: image })).catch((e) => e);
    expect(isHearthError(refused, 'UNSUPPORTED')).toBe(true);
    expect((refused as Error).message).toContain("'input_image'");

    const hosted = modelRequest({ tools: [{ type: 'hosted_tool', name: 'web_search' }] });
    expect(
      isHearthError(await new HearthModel(chat).getResponse(hosted).catch((e) => e), 'UNSUPPORTED'),
    ).toBe(true);
  });

  it('refuses an unknown providerData key by name instead of dropping it', async () => {
    const { chat } = scriptedChat([]);
    const error = await new HearthModel(chat)
      .getResponse(modelRequest({ modelSettings: { providerData: { service_tier: 'flex' } } }))
      .catch((e) => e);
    expect(isHearthError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/service_tier.*Hearth reads adapter, seed, top_k/);
    expect(() => new HearthModel(chat, { top_k: -1 })).toThrow(/top_k/);
  });

  it('gives back text and tool calls as output items with usage, prefix-cache hits as cached_tokens', async () => {
    const { chat } = scriptedChat([
      {
        content: ['Checking.'],
        toolCalls: [
          [{ index: 0, id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
        ],
        finish: 'tool_calls',
        usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, cached_prompt_tokens: 20 },
      },
    ]);
    const response = await new HearthModel(chat).getResponse(modelRequest({ tools: [weatherTool] }));
    expect(response.output).toEqual([
      {
        id: 'chatcmpl-1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Checking.' }],
      },
      {
        id: 'chatcmpl-1',
        type: 'function_call',
        callId: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
    ]);
    expect(response.usage).toMatchObject({ requests: 1, inputTokens: 30, outputTokens: 12, totalTokens: 42 });
    expect(response.usage.inputTokensDetails).toEqual([{ cached_tokens: 20 }]);
  });

  it('streams: started, every chunk raw, text deltas, then the finished items', async () => {
    const { chat } = scriptedChat([
      {
        content: ['Hel', 'lo'],
        toolCalls: [
          [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
          [{ index: 0, function: { arguments: '{"city":' } }],
          [{ index: 0, function: { arguments: '"Oslo"}' } }],
        ],
      },
    ]);
    const events = await collect(
      new HearthModel(chat).getStreamedResponse(modelRequest({ tools: [weatherTool] })),
    );
    expect(events.map((event) => event.type)).toEqual([
      'response_started',
      'model',
      'model',
      'output_text_delta',
      'model',
      'output_text_delta',
      'model',
      'model',
      'model',
      'model',
      'response_done',
    ]);
    const text = events
      .flatMap((event) => (event.type === 'output_text_delta' ? [event.delta] : []))
      .join('');
    expect(text).toBe('Hello');
    const done = events.at(-1)!;
    if (done.type !== 'response_done') throw new Error('no response_done');
    expect(done.response.output).toEqual([
      {
        id: 'chatcmpl-1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello' }],
      },
      {
        id: 'chatcmpl-1',
        type: 'function_call',
        callId: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
    ]);
    expect(done.response.usage).toMatchObject({ inputTokens: 10, outputTokens: 4, totalTokens: 14 });
  });

  it('a call stopped by its signal rejects with the signal’s reason, as fetch does (streamed or not)', async () => {
    for (const stream of [false, true]) {
      const { chat } = scriptedChat([{ content: ['a', 'b'], stallAt: 2 }]);
      const controller = new AbortController();
      const request = modelRequest({ signal: controller.signal });
      const model = new HearthModel(chat);
      const pending = stream ? collect(model.getStreamedResponse(request)) : model.getResponse(request);
      setTimeout(() => controller.abort(), 5);
      const error = await (pending as Promise<unknown>).catch((e: unknown) => e);
      expect(error).toBe(controller.signal.reason);
      expect((error as DOMException).name).toBe('AbortError');
    }
  });

  it('the provider reads an agent’s model name as an adapter, and no name as the base model', async () => {
    const { chat, requests } = scriptedChat([{ content: ['a'] }, { content: ['b'] }]);
    const provider = new HearthModelProvider(chat, { seed: 3 });
    await (await provider.getModel('support@3')).getResponse(modelRequest());
    await (await provider.getModel('')).getResponse(modelRequest());
    expect(requests.map((request) => [request.adapter, request.seed])).toEqual([
      ['support@3', 3],
      [undefined, 3],
    ]);
  });
});
