import type { AdapterFiles } from '../../../src/engines/llm/contract.ts';
import { loadOrtChatEngine } from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { browserWasmPaths } from '../../../src/engines/ort-setup/browser-wasm-paths.ts';
import { configureOrt } from '../../../src/engines/ort-setup/index.ts';
import { httpModelFiles } from '../../../src/models/http-model-files.ts';
import { createChat } from '../../../src/runtime/chat.ts';
import { firstTokenProbe } from '../../support/first-token-logits.ts';
import type { LoraReference } from '../../unit/lora/fixture-adapters.ts';

// LoRA adapters in Chromium: the engine in the page (logits against PyTorch, on WebGPU with the
// adapter weights in GPU buffers) and through the real worker (the chat client's adapter API).
const modelId = 'hearth-demo/tiny-llama-chat';
const baseUrl = `${location.origin}/models`;

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function adapterFiles(name: string): Promise<AdapterFiles> {
  const dir = `/tests/fixtures/adapters/${name}`;
  return {
    config: await fetchBytes(`${dir}/adapter_config.json`),
    weights: await fetchBytes(`${dir}/adapter_model.safetensors`),
  };
}

async function reference(): Promise<LoraReference> {
  return (
    await fetch('/tests/fixtures/reference/tiny-llama-chat-lora.json')
  ).json() as Promise<LoraReference>;
}

const argmax = (values: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
};

/** Runs the reference conversation (adapter X, Y, none, X) on one engine; per turn: max |diff|, argmax match, prefilled tokens. */
async function conversation(device: 'wasm' | 'webgpu') {
  configureOrt({ threads: 1, wasmPaths: browserWasmPaths });
  const probe = firstTokenProbe();
  const ref = await reference();
  const engine = await loadOrtChatEngine(httpModelFiles(baseUrl, modelId), {
    device,
    dtype: 'fp32',
    hooks: probe.hooks,
  });
  try {
    for (const name of Object.keys(ref.adapters))
      await engine.adapters.load(`${name}@1`, await adapterFiles(name));
    const turns = [];
    for (const [index, prompt] of ref.conversation.entries()) {
      const before = engine.processedTokens;
      const first = await probe.logitsFor(
        engine,
        prompt.messages,
        prompt.adapter ? `${prompt.adapter}@1` : undefined,
      );
      const expected = prompt.adapter ? ref.adapters[prompt.adapter]!.logits[index]! : ref.base[index]!;
      let maxDiff = 0;
      for (let i = 0; i < expected.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(first[i]! - expected[i]!));
      turns.push({
        adapter: prompt.adapter,
        maxDiff,
        sameArgmax: argmax(first) === argmax(expected),
        prefilled: engine.processedTokens - before,
        promptTokens: prompt.ids.length,
      });
    }
    return { device: (await engine.capabilities()).device, turns };
  } finally {
    await engine.unload();
  }
}

/** Through the worker: load adapters with the chat client and see each one change the greedy answer. */
async function throughWorker(device: 'wasm' | 'webgpu') {
  const chat = await createChat({ backend: 'ort', model: { baseUrl, modelId }, device, dtype: 'fp32' });
  try {
    const messages = [{ role: 'user' as const, content: 'What is Hearth?' }];
    const answer = async (adapter?: string) =>
      (
        await chat.completions.create({
          messages,
          temperature: 0,
          max_tokens: 12,
          ...(adapter ? { adapter } : {}),
        })
      ).choices[0]!.message.content;
    await chat.adapters.load('upper-r8@1', await adapterFiles('upper-r8'));
    await chat.adapters.load('herald-r16@1', await adapterFiles('herald-r16'));
    const result = {
      supportsAdapters: (await chat.capabilities()).supportsAdapters,
      listed: (await chat.adapters.list()).map((a) => a.ref).sort(),
      base: await answer(),
      upper: await answer('upper-r8@1'),
      herald: await answer('herald-r16@1'),
      baseAgain: await answer(),
      unloaded: await chat.adapters.unload('herald-r16@1'),
      afterUnload: await answer('herald-r16@1').then(
        () => null,
        (error: { code?: string }) => error.code ?? 'no code',
      ),
    };
    return result;
  } finally {
    chat.dispose();
  }
}

Object.assign(globalThis, { harness: { conversation, throughWorker } });
