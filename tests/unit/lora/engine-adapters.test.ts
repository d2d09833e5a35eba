import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadOrtChatEngine,
  type OrtChatEngine,
} from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { firstTokenProbe } from '../../support/first-token-logits.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { fixtureAdapterFiles, loadLoraReference } from './fixture-adapters.ts';
import { maxAbsDiff } from './support.ts';

const reference = loadLoraReference();
const modelId = 'hearth-demo/tiny-llama-chat';

const probe = firstTokenProbe();

let engine: OrtChatEngine;
beforeAll(async () => {
  engine = await loadOrtChatEngine(fsModelFiles(modelId), {
    device: 'wasm',
    dtype: 'fp32',
    threads: 1,
    hooks: probe.hooks,
  });
  for (const name of Object.keys(reference.adapters))
    await engine.adapters.load(`${name}@1`, fixtureAdapterFiles(name));
});
afterAll(() => engine.unload());

async function turn(index: number, adapter: string | null) {
  const before = engine.processedTokens;
  const logits = await probe.logitsFor(
    engine,
    reference.conversation[index]!.messages,
    adapter ? `${adapter}@1` : undefined,
  );
  // With max_tokens 1 the sampled token is never fed back: every processed token is a prompt token.
  return { logits, prefilled: engine.processedTokens - before };
}

describe('LoRA adapters on the ORT engine (WASM), one session, per request', () => {
  it('says it supports adapters and lists the loaded ones', async () => {
    expect((await engine.capabilities()).supportsAdapters).toBe(true);
    expect((await engine.adapters.list()).map((a) => a.ref).sort()).toEqual(['herald-r16@1', 'upper-r8@1']);
  });

  it('matches PyTorch base+X, +Y, base, +X over one multi-turn conversation, never reusing KV across adapters', async () => {
    for (const [index, prompt] of reference.conversation.entries()) {
      const { logits, prefilled } = await turn(index, prompt.adapter);
      const expected = prompt.adapter
        ? reference.adapters[prompt.adapter]!.logits[index]!
        : reference.base[index]!;
      // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
      expect(maxAbsDiff(logits, expected), `turn ${index} (${prompt.adapter ?? 'base'})`).toBeLessThan(1e-4);
      // Each turn switches adapter, so the cached KV of the previous turn (another adapter) must not be used.
      expect(prefilled, `turn ${index} prefilled`).toBe(prompt.ids.length);
    }
  });

  it('reuses the prefix cache when the same adapter continues the conversation', async () => {
    await turn(3, 'upper-r8');
    const again = await turn(3, 'upper-r8');
    expect(again.prefilled).toBe(1);
    expect(maxAbsDiff(again.logits, reference.adapters['upper-r8']!.logits[3]!)).toBeLessThan(1e-4);
  });

  it('gives exactly the logits of an engine without the LoRA rewrite when no adapter is chosen', async () => {
    const plain = await loadOrtChatEngine(fsModelFiles(modelId), {
      device: 'wasm',
      dtype: 'fp32',
      threads: 1,
      adapters: false,
      hooks: probe.hooks,
    });
    try {
      expect((await plain.capabilities()).supportsAdapters).toBe(false);
      const withoutRewrite = await probe.logitsFor(plain, reference.conversation[2]!.messages);
      const { logits } = await turn(2, null);
      expect(maxAbsDiff(logits, withoutRewrite)).toBe(0);
      await expect(
        plain.create({ messages: reference.conversation[0]!.messages, adapter: 'upper-r8@1' }),
      ).rejects.toMatchObject({
        code: 'UNSUPPORTED',
      });
    } finally {
      await plain.unload();
    }
  });

  it('refuses an unknown adapter before generating, and a bad adapter without disturbing the base model', async () => {
    await expect(
      engine.create({ messages: reference.conversation[0]!.messages, adapter: 'missing@1' }),
    ).rejects.toMatchObject({
      code: 'ADAPTER_NOT_LOADED',
    });
    const truncated = fixtureAdapterFiles('upper-r8');
    truncated.weights = truncated.weights.subarray(0, 1000);
    await expect(engine.adapters.load('broken@1', truncated)).rejects.toMatchObject({
      code: 'ADAPTER_INVALID',
    });
    await expect(engine.adapters.load('upper-r8@1', fixtureAdapterFiles('herald-r16'))).rejects.toMatchObject(
      {
        code: 'ADAPTER_IMMUTABLE',
      },
    );
    const { logits } = await turn(0, null);
    expect(maxAbsDiff(logits, reference.base[0]!)).toBeLessThan(1e-4);
    expect((await engine.adapters.list()).map((a) => a.ref).sort()).toEqual(['herald-r16@1', 'upper-r8@1']);
  });

  it('unloads an adapter; requests for it are then refused', async () => {
    await engine.adapters.load('temp@1', fixtureAdapterFiles('upper-r8'));
    expect(await engine.adapters.unload('temp@1')).toBe(true);
    await expect(
      engine.create({ messages: reference.conversation[0]!.messages, adapter: 'temp@1' }),
    ).rejects.toMatchObject({
      code: 'ADAPTER_NOT_LOADED',
    });
  });
});
