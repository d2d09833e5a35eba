import { beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../../src/core/errors.ts';
import type { ModelFiles } from '../../../src/core/model-files.ts';
import { loadOnnxEmbedder, type OnnxEmbedder, type TruncatedText } from '../../../src/engines/embed/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadReference, maxAbsDiff, TINY_EMBED } from './reference.ts';

const reference = loadReference();

/** The real demo model with one file replaced (`undefined` = missing). */
function tamperedFiles(replace: Record<string, Uint8Array | undefined>): ModelFiles {
  const real = fsModelFiles(TINY_EMBED);
  return {
    ...real,
    async read(path, options) {
      if (path in replace) {
        const bytes = replace[path];
        if (!bytes) throw new HearthError('MODEL_FILE_MISSING', `no ${path}`);
        return bytes;
      }
      return real.read(path, options);
    },
    async has(path) {
      return path in replace ? replace[path] !== undefined : real.has(path);
    },
  };
}

async function errorOf(promise: Promise<unknown>): Promise<HearthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HearthError);
  return error as HearthError;
}

describe('bad input to the tiny-embed embedder', () => {
  let embedder: OnnxEmbedder;
  beforeAll(async () => {
    embedder = await loadOnnxEmbedder(fsModelFiles(TINY_EMBED), { device: 'wasm', batchSize: 2 });
  });

  it('refuses an empty list, empty or blank strings and non-strings with INVALID_INPUT', async () => {
    expect((await errorOf(embedder.embed([]))).code).toBe('INVALID_INPUT');
    const blank = await errorOf(embedder.embed(['fine', '', '  \n']));
    expect(blank.code).toBe('INVALID_INPUT');
    expect(blank.message).toContain('1, 2');
    expect((await errorOf(embedder.embed([42 as unknown as string]))).code).toBe('INVALID_INPUT');
    expect((await errorOf(embedder.embed(['x'], { kind: 'question' as 'query' }))).code).toBe(
      'INVALID_INPUT',
    );
    // …and keeps working afterwards.
    expect(await embedder.embed(['still works'])).toHaveLength(1);
  });

  it('truncates a text over the limit to the reference ids, says so, and matches the reference vector', async () => {
    const long = reference.texts.find((entry) => entry.untruncated_length > reference.max_length)!;
    const notices: TruncatedText[][] = [];
    const [vector] = await embedder.embed(['short', long.text], { onTruncated: (t) => notices.push(t) });
    expect(notices).toEqual([
      [{ index: 1, tokens: long.untruncated_length, keptTokens: reference.max_length }],
    ]);
    // 1e-4: float32 ORT vs float32 PyTorch on unit vectors, valid on any x86-64 CPU: see tests/unit/embed/parity.test.ts.
    expect(maxAbsDiff((await embedder.embed([long.text]))[0]!, long.mean)).toBeLessThan(1e-4);
    expect(vector).toHaveLength(64);
  });

  it('stops between batches when cancelled mid-way, then serves the next call', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `passage number ${i} about hearth`);
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await errorOf(
      embedder.embed(texts, {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.loaded);
          if (p.loaded >= 4) controller.abort('enough');
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(seen.at(-1)).toBe(4);
    expect(await embedder.embed(texts.slice(0, 3))).toHaveLength(3);
  });
});

describe('a model whose files are missing or malformed', () => {
  const cases: Array<[string, Record<string, Uint8Array | undefined>, string]> = [
    ['missing model.onnx', { 'onnx/model.onnx': undefined }, 'MODEL_FILE_MISSING'],
    ['missing tokenizer.json', { 'tokenizer.json': undefined }, 'MODEL_FILE_MISSING'],
    [
      'garbage model.onnx',
      { 'onnx/model.onnx': new TextEncoder().encode('not an onnx graph at all') },
      'MODEL_FILE_MALFORMED',
    ],
    [
      'a web page served as model.onnx',
      { 'onnx/model.onnx': new TextEncoder().encode('<!DOCTYPE html><html></html>') },
      'MODEL_FILE_MISSING',
    ],
    [
      'config.json that is not JSON',
      { 'config.json': new TextEncoder().encode('{"hidden_size": 6') },
      'MODEL_FILE_MALFORMED',
    ],
    [
      'tokenizer.json of an unknown kind',
      { 'tokenizer.json': new TextEncoder().encode('{"model":{"type":"Nope"}}') },
      'MODEL_FILE_MALFORMED',
    ],
  ];
  it.each(cases)('%s gives a clear HearthError', async (_name, replace, code) => {
    const error = await errorOf(loadOnnxEmbedder(tamperedFiles(replace), { device: 'wasm' }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(TINY_EMBED);
  });

  it('a spec whose width disagrees with the graph is refused at load, naming the model', async () => {
    const error = await errorOf(
      loadOnnxEmbedder(fsModelFiles(TINY_EMBED), { device: 'wasm', spec: { dimensions: 32 } }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(TINY_EMBED);
    expect(error.message).toContain('64');
  });
});
