import { describe, expect, it } from 'vitest';
import {
  chooseDevice,
  configureOrt,
  createSession,
  defaultThreadCount,
  sessionSignature,
} from '../../../src/engines/ort-setup/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { TINY_EMBED } from './reference.ts';

describe('the shared onnxruntime-web module in Node', () => {
  it('runs one WASM thread without cross-origin isolation, and says why', () => {
    expect(defaultThreadCount()).toEqual({
      threads: 1,
      reason: expect.stringContaining('not cross-origin isolated'),
    });
    const report = configureOrt();
    expect(report.threads).toBe(1);
    // The first configuration wins for the whole realm; ORT ignores later changes.
    expect(configureOrt({ threads: 3 })).toBe(report);
  });

  it("'auto' falls back to WASM without WebGPU and explains; 'webgpu' refuses with WEBGPU_UNAVAILABLE", async () => {
    expect(await chooseDevice('auto')).toEqual({
      device: 'wasm',
      reason: expect.stringMatching(/^auto: .*no WebGPU/),
    });
    expect(await chooseDevice('wasm')).toEqual({ device: 'wasm', reason: 'WASM was requested.' });
    await expect(chooseDevice('webgpu')).rejects.toMatchObject({ code: 'WEBGPU_UNAVAILABLE' });
  });

  it('creates a session from bytes and reads the input names and types from the graph', async () => {
    const bytes = await fsModelFiles(TINY_EMBED).read('onnx/model.onnx');
    const session = await createSession(bytes, { device: 'wasm', label: 'tiny' });
    const signature = sessionSignature(session);
    expect([...signature.inputs.keys()].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    expect(signature.inputs.get('input_ids')).toBe('int64');
    expect(signature.outputs.get('last_hidden_state')).toBe('float32');
    await session.release();
  });

  it('names the model when bytes are not an ONNX graph', async () => {
    await expect(
      createSession(new Uint8Array([8, 1, 2, 3]), { device: 'wasm', label: 'owner/name@main' }),
    ).rejects.toMatchObject({
      code: 'MODEL_FILE_MALFORMED',
      message: expect.stringContaining('owner/name@main'),
    });
  });
});
