import { describe, expect, it } from 'vitest';
import type { ModelFiles } from '../../../../src/core/model-files.ts';
import { loadOrtChatEngine } from '../../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { fsModelFiles } from '../../../support/fs-model-files.ts';
import { tinyChatModelId } from '../reference.ts';

/** The tiny model with config.json edited. */
function withConfig(edit: (config: Record<string, unknown>) => void): ModelFiles {
  const files = fsModelFiles(tinyChatModelId);
  return {
    ...files,
    async read(path, options) {
      const bytes = await files.read(path, options);
      if (path !== 'config.json') return bytes;
      const config = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      edit(config);
      return new TextEncoder().encode(JSON.stringify(config));
    },
  };
}

describe("which path runs 4-bit weights on WASM ('auto')", () => {
  it('a graph the WASM decoder does not implement (scaled RoPE) runs dequantised in ORT, and says why', async () => {
    const engine = await loadOrtChatEngine(
      withConfig((config) => (config.rope_scaling = { rope_type: 'llama3', factor: 8 })),
      { device: 'wasm', dtype: 'q4', threads: 1 },
    );
    const caps = await engine.capabilities();
    expect(caps.weights?.path).toBe('ort-dequantized');
    expect(caps.deviceReason).toContain('the WASM decoder cannot run this graph: its RoPE is scaled');
    await engine.unload();
  });

  it("another family (model_type gemma) too; wasmQuantized: 'kernel' refuses it with the reason", async () => {
    const gemma = withConfig((config) => (config.model_type = 'gemma'));
    const engine = await loadOrtChatEngine(gemma, { device: 'wasm', dtype: 'q4', threads: 1 });
    expect((await engine.capabilities()).weights?.path).toBe('ort-dequantized');
    await engine.unload();
    await expect(
      loadOrtChatEngine(gemma, { device: 'wasm', dtype: 'q4', threads: 1, wasmQuantized: 'kernel' }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('model_type "gemma"') });
  });

  it("'fp32' and 'native' are still there when asked for", async () => {
    const resident: Record<string, number> = {};
    for (const [wasmQuantized, path] of [
      ['fp32', 'ort-dequantized'],
      ['native', 'ort-nbits'],
    ] as const) {
      const engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
        device: 'wasm',
        dtype: 'q4',
        threads: 1,
        wasmQuantized,
      });
      const caps = await engine.capabilities();
      expect(caps.weights?.path).toBe(path);
      resident[path] = caps.weights!.residentBytes;
      await engine.unload();
    }
    // What onnxruntime-web is handed: the 14 projections (2 x 36,864 weights) at 4 bytes a weight when
    // dequantised, under 1 with scales and zero points when not; the demo model's fp32 embedding, most
    // of its file, stays as it is on both.
    expect(resident['ort-dequantized']! - resident['ort-nbits']!).toBeGreaterThan(2 * 36_864 * (4 - 1));
  });
});
