/**
 * Turns the import matrix in layers.json into `@typescript-eslint/no-restricted-imports` blocks.
 *
 * The rule matches import strings, not resolved paths, and our imports are relative: the same
 * `../ui/x.ts` means a different folder at each depth. So each layer gets one block per folder
 * depth (`src/rag/*.ts`, `src/rag/* /*.ts`, ...), whose patterns spell out exactly the relative
 * path from that depth to each folder it may not reach. Every file matches one block, because a
 * later block's options replace an earlier one's.
 */
import fs from 'node:fs';
import path from 'node:path';

/** @typedef {{ path: string, job: string, face?: string[], filesOnly?: boolean, imports: Record<string, 'all' | 'types'> }} Layer */
/** @typedef {{ file: string, imports: string, why: string }} LayerException */
/** @typedef {{ layers: Layer[], targetsOnly: string[], exceptions: LayerException[] }} LayerMatrix */

/** @type {LayerMatrix} */
export const layerMatrix = JSON.parse(fs.readFileSync(new URL('./layers.json', import.meta.url), 'utf8'));

// Deep enough for src/engines/llm/onnx-decoder/rewrites/ and a little more.
const MAX_DEPTH = 6;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The import string that leads from a file in `fromDir` to `target`, as the code would write it. */
function specifierTo(fromDir, target) {
  const relative = path.posix.relative(fromDir, target);
  return relative.startsWith('..') ? relative : `./${relative}`;
}

/** @param {Layer} layer @param {string} fromDir @param {(target: string) => boolean} skip */
function patternsFor(layer, fromDir, skip) {
  const patterns = [];
  const targets = [
    ...layerMatrix.layers.filter((other) => !other.filesOnly),
    ...layerMatrix.targetsOnly.map((p) => ({ path: p })),
  ];
  for (const target of targets) {
    if (target.path === layer.path || skip(target.path)) continue;
    const prefix = `^${escape(specifierTo(fromDir, target.path))}`;
    const allowed = layer.imports[target.path];
    const face = target.face ?? [];
    const behindFace = face.length > 0 ? `/(?!(?:${face.map(escape).join('|')})$)` : null;
    const message = (what) => `${layer.path} ${what} (scripts/layers/layers.json, docs/architecture.md).`;
    if (!allowed) {
      patterns.push({ regex: `${prefix}(/|$)`, message: message(`may not import ${target.path}`) });
      continue;
    }
    if (allowed === 'types') {
      patterns.push({
        regex: behindFace ? `${prefix}/(?:${face.map(escape).join('|')})$` : `${prefix}(/|$)`,
        allowTypeImports: true,
        message: message(`may import only types from ${target.path}`),
      });
    }
    if (behindFace) {
      patterns.push({
        regex: `${prefix}${behindFace}`,
        message: message(`imports ${target.path} through its public face: ${face.join(', ')}`),
      });
    }
  }
  return patterns;
}

function ruleBlock(files, patterns) {
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
}

/** Flat-config blocks that enforce layers.json. */
export function layerRules() {
  const blocks = [];
  for (const layer of layerMatrix.layers) {
    const depths = layer.filesOnly ? 1 : MAX_DEPTH + 1;
    for (let depth = 0; depth < depths; depth++) {
      const stars = Array.from({ length: depth }, () => '*');
      const fromDir = path.posix.join(layer.path, ...stars.map((_, i) => `d${i}`));
      const glob = path.posix.join(layer.path, ...stars, '*.{ts,js}');
      blocks.push(
        ruleBlock(
          [glob],
          patternsFor(layer, fromDir, () => false),
        ),
      );
    }
  }
  for (const exception of layerMatrix.exceptions) {
    const layer = layerMatrix.layers
      .filter((candidate) => exception.file.startsWith(`${candidate.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!layer) throw new Error(`layers.json: ${exception.file} is in no layer`);
    const fromDir = path.posix.dirname(exception.file);
    blocks.push(
      ruleBlock(
        [exception.file],
        patternsFor(layer, fromDir, (target) => target === exception.imports),
      ),
    );
  }
  return blocks;
}
