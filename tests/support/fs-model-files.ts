import { access, readFile } from 'node:fs/promises';
import { join, normalize, resolve } from 'node:path';
import { HearthError } from '../../src/core/errors.ts';
import type { ModelFiles } from '../../src/core/model-files.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * Reads a model in hub layout from a folder (`<root>/<repo>/resolve/<revision>/<path>`), for Node
 * tests and benchmarks. Defaults to the bundled demo models in public/models.
 */
export function fsModelFiles(
  modelId: string,
  options: { root?: string; revision?: string } = {},
): ModelFiles {
  const revision = options.revision ?? 'main';
  const base = resolve(options.root ?? join(repoRoot, 'public/models'), modelId, 'resolve', revision);
  const pathOf = (path: string) => {
    const full = normalize(join(base, path));
    if (!full.startsWith(base))
      throw new HearthError('INVALID_INPUT', `Refusing path outside the model: ${path}`);
    return full;
  };
  return {
    modelId,
    revision,
    async read(path) {
      return new Uint8Array(await readFile(pathOf(path)));
    },
    async has(path) {
      return access(pathOf(path)).then(
        () => true,
        () => false,
      );
    },
  };
}
