import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { AdapterRegistry, preparePeftAdapter, rewriteForLora } from '../../../src/engines/lora/index.ts';
import { cpuTensors, demoOnnx, maxAbsDiff, prefillFeeds } from './support.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures');
const reference = JSON.parse(readFileSync(`${fixtures}/reference/tiny-llama-chat-lora.json`, 'utf8')) as {
  conversation: Array<{ ids: number[]; adapter: string | null }>;
  base: number[][];
  adapters: Record<string, { logits: number[][] }>;
};

function adapterFiles(name: string) {
  return {
    config: JSON.parse(readFileSync(`${fixtures}/adapters/${name}/adapter_config.json`, 'utf8')) as unknown,
    weights: new Uint8Array(readFileSync(`${fixtures}/adapters/${name}/adapter_model.safetensors`)),
  };
}

describe('LoRA on the rewritten fp32 graph against PyTorch base+adapter (WASM)', () => {
  it('matches each adapter and the base within 1e-4 at every turn, on one session', async () => {
    const { model, targets } = rewriteForLora(demoOnnx('model.onnx'));
    const session = await ort.InferenceSession.create(model);
    const registry = new AdapterRegistry(targets, cpuTensors);
    for (const name of Object.keys(reference.adapters)) {
      registry.load(
        `${name}@1`,
        preparePeftAdapter(adapterFiles(name), { modelId: 'hearth-demo/tiny-llama-chat', targets }),
        name,
      );
    }
    for (const [turn, prompt] of reference.conversation.entries()) {
      for (const name of [null, ...Object.keys(reference.adapters)]) {
        const expected = name ? reference.adapters[name]!.logits[turn]! : reference.base[turn]!;
        const feeds = { ...prefillFeeds(prompt.ids), ...registry.feeds(name ? `${name}@1` : undefined) };
        const logits = (await session.run(feeds)).logits!;
        const vocab = logits.dims[2]!;
        const last = (logits.data as Float32Array).subarray((prompt.ids.length - 1) * vocab);
        // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
        // A rank-8/16 adapter adds two short sums (r terms, then 64) per target: no new order of magnitude.
        expect(maxAbsDiff(last, expected), `turn ${turn}, adapter ${name ?? 'none'}`).toBeLessThan(1e-4);
      }
    }
    // The adapters really change the output: each differs from the base by far more than the tolerance.
    for (const name of Object.keys(reference.adapters)) {
      expect(maxAbsDiff(reference.adapters[name]!.logits[0]!, reference.base[0]!)).toBeGreaterThan(0.05);
    }
  });
});
