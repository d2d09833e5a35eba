import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../src/core/errors.ts';
import { explainError } from '../../../src/ui/models/explain-error.ts';

describe('explainError', () => {
  it.each([
    ['STORAGE_QUOTA', /not enough storage/i, /Delete models/],
    ['MODEL_FILE_CORRUPT', /damaged/, /Download again/],
    ['WEBGPU_UNAVAILABLE', /no usable WebGPU/, /Choose WASM or Auto/],
  ] as const)('%s: says what happened and what to do, and keeps the message', (code, headline, todo) => {
    const explained = explainError(new HearthError(code, 'model.onnx: the details.'));
    expect(explained).toMatchObject({ code, detail: 'model.onnx: the details.' });
    expect(explained.headline).toMatch(headline);
    expect(explained.todo).toMatch(todo);
  });

  it('gives an error it does not know a general sentence, and the code to report', () => {
    const explained = explainError(new Error('boom'));
    expect(explained).toMatchObject({ code: 'INTERNAL', detail: 'boom' });
    expect(explained.todo).toMatch(/reload/);
  });
});
