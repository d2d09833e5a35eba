import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAgents,
  defineTool,
  memoryLocks,
  type AgentEvent,
  type AgentsApi,
  type PipelineInput,
} from '../../../src/agent/index.ts';
import type { ChatCompletionRequest, Usage } from '../../../src/engines/llm/contract.ts';
import { vocabularyFromTokenizerJson } from '../../../src/engines/llm/grammar/index.ts';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { detectToolCallFormat, toolHooksFactory } from '../../../src/engines/llm/tools/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';

// The loop end to end with the tiny demo model (ORT, WASM, in Node): its tool calls are forced by
// constrained decoding (toolChoice), so the calls are valid JSON for the tools' schemas; what the
// tests assert is what the loop and the engine's prefix cache do with them.

const modelId = 'hearth-demo/tiny-llama-chat';
const modelDir = resolve(import.meta.dirname, '../../../public/models', modelId, 'resolve/main');
const readJson = <T = Record<string, unknown>>(file: string) =>
  JSON.parse(readFileSync(resolve(modelDir, file), 'utf8')) as T;
const adapterDir = resolve(import.meta.dirname, '../../fixtures/adapters');
const adapterFiles = (name: string) => ({
  config: new Uint8Array(readFileSync(resolve(adapterDir, name, 'adapter_config.json'))),
  weights: new Uint8Array(readFileSync(resolve(adapterDir, name, 'adapter_model.safetensors'))),
});

const weather = defineTool({
  name: 'weather',
  description: 'Weather in a city.',
  parameters: z.object({ city: z.enum(['paris', 'rome', 'oslo']) }),
  execute: ({ city }) => ({ city, sky: city === 'oslo' ? 'snow' : 'sun' }),
});

let engine: OrtChatEngine;
const requests: Array<{ request: ChatCompletionRequest; usage?: Usage }> = [];
let counter = 0;
const open: AgentsApi[] = [];

function agents(promptTools: 'pipeline' | 'agent' = 'pipeline'): AgentsApi {
  const created = createAgents({
    promptTools,
    model: {
      create: async (request) => {
        const entry: (typeof requests)[number] = { request };
        requests.push(entry);
        const stream = await engine.create(request);
        return (async function* () {
          for await (const chunk of stream) {
            if (chunk.usage) entry.usage = chunk.usage;
            yield chunk;
          }
        })();
      },
    },
    tools: [weather],
    databaseName: `agents-tiny-${process.pid}-${counter++}`,
    locks: memoryLocks(),
  });
  open.push(created);
  return created;
}

const preamble = 'Be brief.';
const greedy = { temperature: 0, max_tokens: 64 };

beforeAll(async () => {
  const tokenizerJson = readJson('tokenizer.json');
  const config = readJson('tokenizer_config.json');
  const generation = readJson<{ eos_token_id: number[] }>('generation_config.json');
  const modelConfig = readJson<{ vocab_size: number }>('config.json');
  engine = await loadOrtChatEngine(fsModelFiles(modelId), {
    device: 'wasm',
    dtype: 'fp32',
    hooks: toolHooksFactory({
      modelId,
      toolFormat: detectToolCallFormat(config.chat_template as string),
      constrain: true,
      vocabulary: vocabularyFromTokenizerJson(tokenizerJson as never, {
        id: `${modelId}@main`,
        vocabSize: modelConfig.vocab_size,
        stopTokenIds: generation.eos_token_id,
      }),
    }),
  });
  await engine.adapters.load('upper@1', adapterFiles('upper-r8'));
  await engine.adapters.load('herald@1', adapterFiles('herald-r16'));
}, 120_000);

afterAll(async () => {
  while (open.length) open.pop()!.dispose();
  await engine?.unload();
});

async function run(agentsApi: AgentsApi, pipeline: PipelineInput, input: string) {
  requests.length = 0;
  const handle = agentsApi.run({ pipeline, input });
  const events: AgentEvent[] = [];
  for await (const event of handle) events.push(event);
  return { result: await handle.result, events };
}

/**
 * The KV cache holds the prompt and every generated token it fed back: all but the last one sampled
 * (the end-of-turn token, never run through the model). If the template writes the earlier turn
 * exactly as the model generated it, the next prompt finds all of that cached.
 */
const reusable = (previous: Usage) => previous.prompt_tokens + previous.completion_tokens - 1;

describe('agents on the tiny demo model (WASM, constrained tool calls)', () => {
  it('a forced tool call, its result, and an answer; the next turn reuses the whole previous prompt', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'weather',
      preamble,
      entry: 'forecaster',
      agents: [{ name: 'forecaster', tools: ['weather'], model: { ...greedy, toolChoice: 'required' } }],
    };
    const { result, events } = await run(agents(), pipeline, 'Weather in Oslo?');
    expect(result.status).toBe('completed');
    const finished = events.find((e) => e.type === 'tool_call_finished');
    expect(finished).toMatchObject({ tool: 'weather', status: 'ok' });
    expect(requests).toHaveLength(2);
    expect(requests[0]!.request.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
    expect(requests[1]!.request.tool_choice).toBe('auto'); // reset after the call
    const [first, second] = requests.map((r) => r.usage!);
    // The template re-renders the call as it was generated: the prompt of turn 2 starts with all of turn 1.
    expect(second!.cached_prompt_tokens).toBeGreaterThanOrEqual(reusable(first!));
  }, 120_000);

  it('a handoff between two agents with the same adapter reuses the cached prefix; another adapter does not', async () => {
    const pipeline = (adapterB: string): PipelineInput => ({
      version: 1,
      name: 'handoff',
      preamble,
      entry: 'a',
      agents: [
        { name: 'a', handoffs: ['b'], adapter: 'upper@1', model: { ...greedy, toolChoice: 'required' } },
        { name: 'b', adapter: adapterB, model: { ...greedy, max_tokens: 12 } },
      ],
    });
    const same = await run(agents(), pipeline('upper@1'), 'Hello');
    expect(same.result).toMatchObject({ status: 'completed', agent: 'b' });
    expect(same.events.find((e) => e.type === 'handoff')).toMatchObject({ from: 'a', to: 'b' });
    const [a, b] = requests.map((r) => r.usage!);
    expect(requests.map((r) => r.request.adapter)).toEqual(['upper@1', 'upper@1']);
    expect(b!.cached_prompt_tokens).toBeGreaterThanOrEqual(reusable(a!));

    const other = await run(agents(), pipeline('herald@1'), 'Hello');
    expect(other.result).toMatchObject({ status: 'completed', agent: 'b' });
    expect(requests.map((r) => r.request.adapter)).toEqual(['upper@1', 'herald@1']);
    expect(requests[1]!.usage!.cached_prompt_tokens).toBe(0); // different adapters never share KV
  }, 120_000);

  it('a supervisor and a specialist with different adapters on the one base model', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'team',
      preamble,
      entry: 'boss',
      agents: [
        {
          name: 'boss',
          agentTools: ['meteo'],
          adapter: 'herald@1',
          model: { ...greedy, toolChoice: 'required' },
        },
        {
          name: 'meteo',
          tools: ['weather'],
          adapter: 'upper@1',
          model: { ...greedy, toolChoice: 'required' },
        },
      ],
      // The tiny model's context is 512 tokens: a short question, bounded by the grammar.
      limits: { maxAgentInput: 16 },
    };
    // Each prompt lists only its agent's tools: the two agents have different adapters, so they
    // share no KV anyway, and the 512-token context has room for the three turns.
    const { result, events } = await run(agents('agent'), pipeline, 'Ask meteo about Rome.');
    expect(result.status).toBe('completed');
    // boss asks meteo (herald), meteo calls weather and answers (upper), boss answers (herald).
    expect(requests.map((r) => r.request.adapter)).toEqual(['herald@1', 'upper@1', 'upper@1', 'herald@1']);
    const nested = events.filter((e) => e.parentRunId === result.runId);
    expect(nested.find((e) => e.type === 'tool_call_finished')).toMatchObject({
      tool: 'weather',
      status: 'ok',
    });
    expect(events.find((e) => e.type === 'tool_call_finished' && e.runId === result.runId)).toMatchObject({
      tool: 'ask_meteo',
      status: 'ok',
    });
    const capabilities = await engine.capabilities();
    expect(capabilities.supportsAdapters).toBe(true);
    expect((await engine.adapters.list()).map((a) => a.ref ?? a)).toHaveLength(2); // one base, two adapters
  }, 120_000);
});
