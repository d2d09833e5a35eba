import { describe, expect, it } from 'vitest';
import { parseContentRange } from '../../../src/models/download/download-file.ts';
import { formatBytes } from '../../../src/core/format-bytes.ts';
import { resolveUrl } from '../../../src/models/http-model-files.ts';
import { dataKey, ledgerKey, metaKey, modelOfKey } from '../../../src/models/storage/layout.ts';

describe('resolveUrl', () => {
  it('builds hub resolve URLs, encoding each path segment', () => {
    expect(resolveUrl('https://huggingface.co', 'Xenova/all-MiniLM-L6-v2', 'main', 'onnx/model.onnx')).toBe(
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx',
    );
    expect(resolveUrl('/models/', 'hearth-demo/tiny-embed', 'refs/pr/1', 'a b/c#d.json')).toBe(
      '/models/hearth-demo/tiny-embed/resolve/refs%2Fpr%2F1/a%20b/c%23d.json',
    );
  });
});

describe('store layout', () => {
  it('keeps repo, revision and path as single safe names', () => {
    expect(dataKey('hearth-demo/tiny-embed', 'main', 'onnx/model.onnx')).toEqual([
      'hearth-demo%2Ftiny-embed',
      'main',
      'data',
      'onnx%2Fmodel.onnx',
    ]);
    expect(metaKey('a/b', 'main', 'x.json').at(-1)).toBe('x.json.json');
    expect(modelOfKey(dataKey('a/b', 'v1', 'x'))).toEqual({ repo: 'a/b', revision: 'v1' });
    expect(modelOfKey(ledgerKey('a/b', 'v1', 'x'))).toBeUndefined();
    for (const key of [dataKey('../..', '..', '../x'), metaKey('.', '.', '.')])
      for (const name of key) expect(['.', '..', ''].includes(name) || name.includes('/')).toBe(false);
  });
});

describe('parseContentRange', () => {
  it.each([
    ['bytes 100-199/200', { start: 100, total: 200 }],
    ['bytes */200', { start: undefined, total: 200 }],
    ['bytes 0-9/*', { start: 0, total: undefined }],
    ['items 0-1/2', undefined],
    [null, undefined],
  ])('%s', (value, expected) => expect(parseContentRange(value)).toEqual(expected));
});

describe('formatBytes', () => {
  it('uses decimal units like the browser quota panels', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.50 MB');
    expect(formatBytes(133_000_000)).toBe('133.0 MB');
    expect(formatBytes(undefined)).toBe('unknown');
  });
});
