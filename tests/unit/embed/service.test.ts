import { describe, expect, it } from 'vitest';
import { EmbedService } from '../../../src/engines/embed/service.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadReference, maxAbsDiff, TINY_EMBED } from './reference.ts';

const reference = loadReference();

describe('EmbedService (what the worker serves)', () => {
  const service = new EmbedService({
    filesFor: ({ modelId, revision }) => fsModelFiles(modelId, { revision }),
  });
  const model = { baseUrl: '/models', modelId: TINY_EMBED };

  it('refuses calls before a model is loaded, and a load without a model id', async () => {
    await expect(service.embed(['hi'])).rejects.toMatchObject({ code: 'EMBEDDER_NOT_LOADED' });
    await expect(service.load({ model: { baseUrl: '/models', modelId: 'no-slash' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('keeps the loaded model when loading another one fails, and reports progress while loading', async () => {
    const phases: string[] = [];
    const info = await service.load(
      { model, device: 'wasm' },
      { onProgress: (p) => phases.push(p.file ?? '') },
    );
    expect(info.device).toBe('wasm');
    expect(phases).toEqual(['config.json', 'tokenizer.json', 'onnx/model.onnx', 'session']);
    await expect(
      service.load({ model: { baseUrl: '/models', modelId: 'hearth-demo/missing' }, device: 'wasm' }),
    ).rejects.toMatchObject({ code: 'MODEL_FILE_MISSING' });
    const entry = reference.texts[0]!;
    const [vector] = await service.embed([entry.text]);
    // 1e-4: float32 ORT vs float32 PyTorch on unit vectors, valid on any x86-64 CPU: see tests/unit/embed/parity.test.ts.
    expect(maxAbsDiff(vector!, entry.mean)).toBeLessThan(1e-4);
  });

  it('a cancelled load rejects with ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      service.load({ model, device: 'wasm' }, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await service.unload();
    await expect(service.countTokens(['hi'])).rejects.toMatchObject({ code: 'EMBEDDER_NOT_LOADED' });
  });
});
