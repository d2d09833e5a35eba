import { describe, expect, it } from 'vitest';
import { catalog, filesFor, getModel } from '../../../src/models/catalog.ts';
import { catalogEntrySchema, catalogSchema } from '../../../src/models/catalog-schema.ts';
import { isHearthError } from '../../../src/core/errors.ts';

const validEntry = {
  id: 'org/model',
  kind: 'embed',
  description: 'test',
  license: 'mit',
  source: { baseUrl: 'https://example.test', repo: 'org/model', revision: 'main' },
  files: [{ path: 'config.json' }],
  dtypes: { fp32: { files: [{ path: 'onnx/model.onnx' }] } },
  defaultDtype: 'fp32',
  embed: {
    dimensions: 8,
    pooling: 'mean',
    normalize: true,
    maxTokens: 16,
    queryPrefix: '',
    passagePrefix: '',
  },
};

describe('catalog', () => {
  it('holds the real hub models and the bundled demo models', () => {
    expect(catalog.map((e) => e.id)).toEqual(
      expect.arrayContaining([
        'Xenova/all-MiniLM-L6-v2',
        'Xenova/bge-small-en-v1.5',
        'onnx-community/SmolLM2-135M-Instruct-ONNX',
        'onnx-community/Qwen2.5-0.5B-Instruct',
        'hearth-demo/tiny-embed',
        'hearth-demo/tiny-llama-chat',
      ]),
    );
  });

  it('knows the facts an embedder needs', () => {
    const bge = getModel('Xenova/bge-small-en-v1.5');
    const minilm = getModel('Xenova/all-MiniLM-L6-v2');
    if (bge.kind !== 'embed' || minilm.kind !== 'embed') throw new Error('embedders expected');
    expect(bge.embed).toMatchObject({ dimensions: 384, pooling: 'cls', maxTokens: 512, passagePrefix: '' });
    expect(bge.embed.queryPrefix).toBe('Represent this sentence for searching relevant passages: ');
    expect(minilm.embed).toMatchObject({ dimensions: 384, pooling: 'mean', queryPrefix: '' });
  });

  it('lists dtype variants with the hub file names and picks one', () => {
    const qwen = getModel('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(filesFor(qwen, 'q4f16').map((f) => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'generation_config.json',
      'onnx/model_q4f16.onnx',
    ]);
    expect(filesFor(qwen).at(-1)?.path).toBe('onnx/model_q4.onnx');
    if (qwen.kind !== 'chat') throw new Error('chat expected');
    expect(qwen.chat).toMatchObject({ contextLength: 32768, layers: 24, keyValueHeads: 2 });
  });

  it('pins every file of the bundled demo models', () => {
    for (const id of ['hearth-demo/tiny-embed', 'hearth-demo/tiny-llama-chat']) {
      const entry = getModel(id);
      expect(entry.source.baseUrl).toBe('/models');
      for (const file of filesFor(entry)) {
        expect(file.size, file.path).toBeGreaterThan(0);
        expect(file.sha256, file.path).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(filesFor(entry).some((f) => f.path === 'onnx/model.onnx')).toBe(true);
    }
  });

  it('refuses unknown models and dtypes with errors that list the choices', () => {
    expect(() => getModel('nobody/nothing')).toThrowError(/Known models: Xenova\/all-MiniLM-L6-v2/);
    try {
      filesFor(getModel('Xenova/all-MiniLM-L6-v2'), 'q4');
      expect.unreachable();
    } catch (error) {
      expect(isHearthError(error, 'DTYPE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toContain('fp32, fp16, q8');
    }
  });
});

describe('catalog validation', () => {
  it('accepts a well-formed entry', () => {
    expect(catalogEntrySchema.safeParse(validEntry).success).toBe(true);
  });

  it.each([
    ['a default dtype without files', { ...validEntry, defaultDtype: 'q4' }],
    ['a path escaping the repository', { ...validEntry, files: [{ path: '../secrets' }] }],
    ['a path with an empty segment', { ...validEntry, files: [{ path: 'onnx//model.onnx' }] }],
    ['a malformed SHA-256', { ...validEntry, files: [{ path: 'config.json', sha256: 'abc' }] }],
    ['a file listed twice', { ...validEntry, files: [{ path: 'config.json' }, { path: 'config.json' }] }],
    ['a repo without owner', { ...validEntry, source: { ...validEntry.source, repo: 'model' } }],
    ['an unknown kind', { ...validEntry, kind: 'vision' }],
    ['embed facts missing', { ...validEntry, embed: undefined }],
    [
      'a chat model whose heads do not divide its width',
      {
        ...validEntry,
        kind: 'chat',
        embed: undefined,
        chat: {
          architecture: 'llama',
          contextLength: 8,
          layers: 1,
          hiddenSize: 60,
          attentionHeads: 4,
          keyValueHeads: 2,
          headDim: 16,
          vocabSize: 10,
          chatFormat: 'chatml',
        },
      },
    ],
  ])('rejects %s', (_, entry) => {
    expect(catalogEntrySchema.safeParse(entry).success).toBe(false);
  });

  it('rejects two entries with one id', () => {
    expect(catalogSchema.safeParse([validEntry, validEntry]).success).toBe(false);
  });
});
