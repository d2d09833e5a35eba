import { z } from 'zod';
import {
  createAgents,
  defineTool,
  type AgentEvent,
  type AgentModel,
  type PipelineInput,
} from '../../src/agent/index.ts';
import type { ChatCompletionRequest, Usage } from '../../src/engines/llm/contract.ts';
import { writeSafetensors } from '../../src/core/safetensors.ts';
import { createChat, type ChatHandle } from '../../src/runtime/chat.ts';
import { ScriptedModel } from '../../tests/support/scripted-model.ts';

// The agent benchmark's page: the loop on this page, real IndexedDB and Web Locks; the model in its
// worker (bench model, WASM, one thread) or scripted (for the runtime's own time per step).

const MODELS = '/bench/.models';
const MODEL_ID = 'hearth-bench/smollm2-shaped';
const TEXT =
  'Hearth is a browser-first agent runtime. It runs language models and embedding models directly in the ' +
  'browser, on WebGPU when the device has a good graphics card and on WebAssembly when it does not. Nothing ' +
  'leaves the machine unless the user asks for it. ';

/** Safe to repeat, like a read: its step is written once, with its result (one IndexedDB transaction a turn). */
const noop = defineTool({
  name: 'noop',
  description: 'Does nothing.',
  parameters: z.object({}),
  idempotent: true,
  execute: () => 'ok',
});
/** Not safe to repeat: its step is written before it runs as well (two transactions a turn). */
const once = defineTool({
  name: 'once',
  description: 'Does nothing, once.',
  parameters: z.object({}),
  execute: () => 'ok',
});

/**
 * The runtime's own time per turn, model excluded: a scripted model that answers at once, `turns`
 * tool turns; per turn, the time from the end of one model stream to the next model call (tool
 * call, results, the step's IndexedDB writes, events, the next prompt).
 */
async function stepOverhead(turns: number, tool: 'noop' | 'once' = 'noop') {
  const marks: Array<{ created: number; ended?: number }> = [];
  const scripted = new ScriptedModel((_request, turn) =>
    turn < turns ? { calls: [{ name: tool }] } : { text: 'done' },
  );
  const model: AgentModel = {
    create: async (request) => {
      const mark: { created: number; ended?: number } = { created: performance.now() };
      marks.push(mark);
      const stream = await scripted.create(request);
      return (async function* () {
        yield* stream;
        mark.ended = performance.now();
      })();
    },
  };
  const agents = createAgents({
    model,
    databaseName: `bench-agent-steps-${Date.now()}`,
    tools: [noop, once],
  });
  const pipeline: PipelineInput = {
    version: 1,
    name: 'steps',
    entry: 'worker',
    agents: [{ name: 'worker', tools: [tool] }],
    limits: { maxTurns: turns + 1 },
  };
  const run = agents.run({ pipeline, input: 'Go.' });
  await run.result;
  agents.dispose();
  const gaps = marks.slice(1).map((mark, i) => mark.created - marks[i]!.ended!);
  return { gaps };
}

/** A ~100-token tool result (the bench tokenizer spends about 2.8 characters a token on this text). */
const toolText = (turn: number) => `Result ${turn}: ${TEXT.repeat(2).slice(0, 270)}`;

/** A PEFT adapter with seeded random weights, r=16 on q, k, v, o (as bench:lora makes them). */
function randomAdapter(seed: number, layers: number, hidden: number, kv: number) {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (let layer = 0; layer < layers; layer++) {
    for (const [name, out] of [
      ['q_proj', hidden],
      ['k_proj', kv],
      ['v_proj', kv],
      ['o_proj', hidden],
    ] as const) {
      const module = `model.layers.${layer}.self_attn.${name}`;
      tensors[`base_model.model.${module}.lora_A.weight`] = {
        shape: [16, hidden],
        data: Float32Array.from({ length: 16 * hidden }, random),
      };
      tensors[`base_model.model.${module}.lora_B.weight`] = {
        shape: [out, 16],
        data: Float32Array.from({ length: out * 16 }, random),
      };
    }
  }
  const config = {
    r: 16,
    lora_alpha: 32,
    target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
    peft_type: 'LORA',
  };
  return { config: new TextEncoder().encode(JSON.stringify(config)), weights: writeSafetensors(tensors) };
}

let chat: ChatHandle | undefined;
const usages: Array<{ adapter?: string; usage: Usage }> = [];
let lastRequest: ChatCompletionRequest | undefined;

async function openModel() {
  chat ??= await createChat({
    backend: 'ort',
    model: { baseUrl: MODELS, modelId: MODEL_ID },
    device: 'wasm',
    dtype: 'q4',
    threads: 1,
    store: false,
  });
  return chat;
}

/**
 * The model decides to call the tool on turns 1-`toolTurns` and to answer after: the bench asks it so
 * by naming the tool (or none) in tool_choice, since the bench model's weights are random.
 */
function deciding(chatHandle: ChatHandle, toolTurns: number): AgentModel {
  let turn = 0;
  return {
    create: async (request) => {
      const forced: ChatCompletionRequest & { stream: true } = {
        ...request,
        tool_choice: turn++ < toolTurns ? { type: 'function', function: { name: 'fetch_notes' } } : 'none',
      };
      lastRequest = forced;
      const stream = await chatHandle.completions.create(forced);
      return (async function* () {
        for await (const chunk of stream) {
          if (chunk.usage)
            usages.push({ ...(request.adapter ? { adapter: request.adapter } : {}), usage: chunk.usage });
          yield chunk;
        }
      })();
    },
  };
}

const fetchNotes = defineTool({
  name: 'fetch_notes',
  description: 'Fetches the next page of notes.',
  parameters: z.object({}),
  execute: (_args, { callId }) => toolText(usages.length) + ` (${callId})`,
});

/** A tool loop of `toolTurns` turns on a conversation of about `conversationChars` characters, with `adapter`. */
async function toolLoop(options: {
  toolTurns: number;
  conversationChars: number;
  adapter?: string;
  tag: string;
}) {
  const chatHandle = await openModel();
  usages.length = 0;
  const agents = createAgents({
    model: deciding(chatHandle, options.toolTurns),
    databaseName: `bench-agent-loop-${options.tag}-${Date.now()}`,
    tools: [fetchNotes],
    builtins: false,
  });
  const pipeline: PipelineInput = {
    version: 1,
    name: 'loop',
    preamble: `Session ${options.tag}. You read notes with fetch_notes, then answer.`,
    entry: 'reader',
    agents: [
      {
        name: 'reader',
        tools: ['fetch_notes'],
        ...(options.adapter ? { adapter: options.adapter } : {}),
        model: { temperature: 0, max_tokens: 96 },
      },
    ],
    limits: { maxTurns: options.toolTurns + 1 },
  };
  const input = `[${options.tag}] ${TEXT.repeat(Math.ceil(options.conversationChars / TEXT.length)).slice(0, options.conversationChars)}`;
  const run = agents.run({ pipeline, input });
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  const result = await run.result;
  agents.dispose();
  return {
    status: result.status,
    usages: usages.map((u) => u.usage),
    toolCalls: events.filter((e) => e.type === 'tool_call_finished').length,
  };
}

/** The last request of the loop again, after an unrelated prompt replaced the cache: a cold prefill. */
async function coldReplay() {
  const chatHandle = await openModel();
  await chatHandle.completions.create({
    messages: [{ role: 'user', content: `Unrelated ${Date.now()}` }],
    max_tokens: 1,
  });
  const { signal: _signal, stream: _stream, ...request } = lastRequest!;
  const completion = await chatHandle.completions.create({
    ...request,
    stream: false,
    max_tokens: 1,
    tool_choice: 'none',
  });
  return completion.usage;
}

async function loadAdapter(ref: string, seed: number) {
  const chatHandle = await openModel();
  // SmolLM2-135M shapes: 30 layers, hidden 576, 3 KV heads of 64.
  const info = await chatHandle.adapters.load(ref, randomAdapter(seed, 30, 576, 192));
  return { bytes: info.bytes };
}

Object.assign(globalThis, {
  harness: {
    stepOverhead,
    toolLoop,
    coldReplay,
    loadAdapter,
    close: () => chat?.dispose(),
    isolated: crossOriginIsolated,
  },
});
