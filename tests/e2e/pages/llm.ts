import type { ChatCompletionChunk, ChatMessage } from '../../../src/engines/llm/contract.ts';
import { loadWasmBuild } from '../../../src/engines/llm/onnx-decoder/browser-wasm-build.ts';
import { browserWasmPaths } from '../../../src/engines/ort-setup/browser-wasm-paths.ts';
import { configureOrt } from '../../../src/engines/ort-setup/index.ts';
import { httpModelFiles } from '../../../src/models/http-model-files.ts';
import { createChat, type ChatHandle } from '../../../src/runtime/chat.ts';
import { runParity } from '../../unit/llm/parity-run.ts';
import { simdSupport } from '../../../src/engines/llm/wasm-decoder/kernels/instance.ts';
import { loadWasmDecoder } from '../../../src/engines/llm/wasm-decoder/load-wasm-decoder.ts';
import type { ChatReference } from '../../unit/llm/reference.ts';

// Drives the LLM engine in the page (parity, straight on the decoder) and through the real worker
// (chat API); the spec calls these through page.evaluate.
const modelId = 'hearth-demo/tiny-llama-chat';
const baseUrl = `${location.origin}/models`;
const question: ChatMessage[] = [{ role: 'user', content: 'What is Hearth?' }];

async function reference(): Promise<ChatReference> {
  return (await fetch('/tests/fixtures/reference/tiny-llama-chat.json')).json() as Promise<ChatReference>;
}

async function parity(
  device: 'wasm' | 'webgpu',
  dtype: 'fp32' | 'q4',
  wasmQuantized: 'fp32' | 'native' = 'fp32',
) {
  configureOrt({ threads: 1, wasmPaths: browserWasmPaths });
  return runParity(httpModelFiles(baseUrl, modelId), await reference(), dtype, {
    device,
    wasmQuantized,
    wasmBuild: loadWasmBuild,
  });
}

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

let chat: ChatHandle | undefined;

async function open(device: 'wasm' | 'webgpu', dtype: 'fp32' | 'q4' = 'fp32') {
  chat?.dispose();
  chat = await createChat({ backend: 'ort', model: { baseUrl, modelId }, device, dtype });
  return chat.capabilities();
}

function client(): ChatHandle {
  if (!chat) throw new Error('call open() first');
  return chat;
}

async function greedy(maxTokens: number) {
  const completion = await client().completions.create({
    messages: question,
    temperature: 0,
    max_tokens: maxTokens,
  });
  return {
    content: completion.choices[0]!.message.content,
    usage: completion.usage,
    finish: completion.choices[0]!.finish_reason,
  };
}

async function streamThenAbort(abortAfter: number) {
  const controller = new AbortController();
  const stream = await client().completions.create({
    messages: question,
    stream: true,
    temperature: 0,
    signal: controller.signal,
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    if (chunks.length === abortAfter) controller.abort('stop pressed');
  }
  return {
    count: chunks.length,
    finish: chunks.at(-1)!.choices[0]!.finish_reason,
    text: chunks.map((c) => c.choices[0]!.delta.content ?? '').join(''),
  };
}

async function twoTurns() {
  const first = await client().completions.create({
    messages: question,
    temperature: 0,
    max_tokens: 20,
  });
  const answer = first.choices[0]!.message.content ?? '';
  const second = await client().completions.create({
    messages: [
      ...question,
      { role: 'assistant', content: answer },
      { role: 'user', content: 'Where does it run?' },
    ],
    temperature: 0,
    max_tokens: 4,
  });
  return { first: first.usage, second: second.usage };
}

async function seeded(seed: number) {
  const completion = await client().completions.create({
    messages: question,
    temperature: 1.2,
    top_p: 0.95,
    seed,
    max_tokens: 16,
  });
  return completion.choices[0]!.message.content;
}

async function brokenThenHealthy() {
  const broken = await client()
    .load({ backend: 'ort', model: { baseUrl, modelId: 'hearth-demo/no-such-model' }, device: 'wasm' })
    .then(() => null, errorOf);
  const overflow = await client()
    .completions.create({ messages: [{ role: 'user', content: 'Hearth runs models. '.repeat(200) }] })
    .then(() => null, errorOf);
  const after = await greedy(4);
  return { broken, overflow, after };
}

/**
 * Hearth's WASM decoder straight on the q4 file, teacher-forced with the reference tokens: relaxed SIMD
 * and plain SIMD on one thread, and relaxed SIMD on two (a pool of module workers over shared memory).
 */
async function wasmDecoder() {
  const ref = await reference();
  const files = httpModelFiles(baseUrl, modelId);
  const model = await files.read('onnx/model_q4.onnx');
  const config = JSON.parse(new TextDecoder().decode(await files.read('config.json'))) as Record<
    string,
    never
  >;
  const run = async (simd: 'relaxed' | 'plain', threads: number) => {
    const loaded = await loadWasmDecoder({
      model,
      externalData: new Map(),
      config,
      threads,
      contextLength: 512,
      simd,
      spawnThread: () =>
        new Worker(new URL('../../../workers/wasm-decoder-thread.worker.ts', import.meta.url), {
          type: 'module',
        }),
    });
    const steps: number[][] = [];
    for (let step = 0; step < ref.q4.logits.length; step++) {
      const ids = step === 0 ? ref.prompt.ids : [ref.q4.tokens[step - 1]!];
      steps.push(Array.from(await loaded.session.forward(ids)));
    }
    await loaded.session.release();
    return { steps, threads: loaded.report.threads, simd: loaded.report.simd };
  };
  return {
    relaxedAvailable: simdSupport().relaxed,
    relaxedOne: await run('relaxed', 1),
    plainOne: await run('plain', 1),
    relaxedTwo: await run('relaxed', 2),
  };
}

Object.assign(globalThis, {
  harness: {
    reference,
    parity,
    open,
    greedy,
    streamThenAbort,
    twoTurns,
    seeded,
    brokenThenHealthy,
    wasmDecoder,
  },
});
document.title = 'llm harness ready';
