import type { ChatMessage } from '../../../src/engines/llm/contract.ts';
import { loadWasmBuild } from '../../../src/engines/llm/onnx-decoder/browser-wasm-build.ts';
import { ort } from '../../../src/engines/llm/onnx-decoder/decoder-runtime.ts';
import { loadOrtChatEngine } from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { browserWasmPaths } from '../../../src/engines/ort-setup/browser-wasm-paths.ts';
import { configureOrt } from '../../../src/engines/ort-setup/index.ts';
import { httpModelFiles } from '../../../src/models/http-model-files.ts';

// The ORT chat engine on real WebGPU (SwiftShader) in the page, its device destroyed with
// GPUDevice.destroy() — mid-answer, or between two answers. ORT's WebGPU backend has one device
// per page, so each case runs on a fresh page.
const files = () => httpModelFiles(`${location.origin}/models`, 'hearth-demo/tiny-llama-chat');
const question: ChatMessage[] = [{ role: 'user', content: 'What is Hearth?' }];
const greedy = { messages: question, temperature: 0, max_tokens: 24 } as const;

async function open(device: 'webgpu' | 'wasm') {
  configureOrt({ threads: 1, wasmPaths: browserWasmPaths });
  return loadOrtChatEngine(files(), { device, dtype: 'fp32', wasmBuild: loadWasmBuild });
}

const destroyDevice = async () => (await ort.env.webgpu.device).destroy();

async function textOf(engine: Awaited<ReturnType<typeof open>>, maxTokens: number = greedy.max_tokens) {
  return (await engine.create({ ...greedy, max_tokens: maxTokens })).choices[0]!.message.content;
}

/** Destroys the device once a streamed answer has begun (SwiftShader is slow: one piece), then asks again. */
async function lostMidAnswer() {
  const engine = await open('webgpu');
  const before = await engine.capabilities();
  const pieces: string[] = [];
  let failure: { code?: string; message: string } | null = null;
  try {
    const stream = await engine.create({ ...greedy, max_tokens: 200, stream: true });
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) pieces.push(text);
      if (pieces.length === 1) await destroyDevice();
    }
  } catch (error) {
    failure = { code: (error as { code?: string }).code, message: (error as Error).message };
  }
  const after = await engine.capabilities();
  const next = await textOf(engine);
  const onWasm = await textOf(await open('wasm'));
  return { before: before.device, pieces: pieces.length, failure, after, next, onWasm };
}

/** Destroys the device while the engine is idle; the next answer must simply work. */
async function lostBetweenAnswers() {
  const engine = await open('webgpu');
  const first = await textOf(engine, 1);
  await destroyDevice();
  await new Promise((resolve) => setTimeout(resolve, 50)); // device.lost settles asynchronously
  const next = await textOf(engine);
  return { first, next, after: await engine.capabilities() };
}

Object.assign(globalThis, { harness: { lostMidAnswer, lostBetweenAnswers } });
