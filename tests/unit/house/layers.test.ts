import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import layers from '../../../scripts/layers/layers.json' with { type: 'json' };
import { renderLayerDoc } from '../../../scripts/layers/render-doc.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Lints `code` with the project's own config as if it were the file at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === RULE).map((m) => m.message);
}

describe('the import matrix, enforced by lint', () => {
  // Each fixture is a file that does not exist, linted at a path inside the layer it names.
  it.each([
    [
      'src/core/upward.ts',
      "import { AppShell } from '../ui/app-shell.ts';\nvoid AppShell;",
      'src/core may not import src/ui',
    ],
    [
      'src/core/rpc/upward.ts',
      "import type { DeviceReport } from '../../runtime/device.ts';\nexport type R = DeviceReport;",
      'src/core may not import src/runtime',
    ],
    [
      'src/models/upward.ts',
      "export { RagService } from '../rag/index.ts';",
      'src/models may not import src/rag',
    ],
    [
      'src/engines/llm/onnx-decoder/rewrites/upward.ts',
      "import '../../../../sync/index.ts';",
      'src/engines/llm may not import src/sync',
    ],
    [
      'src/engines/lora/sideways.ts',
      "import type { Embedder } from '../embed/index.ts';\nexport type E = Embedder;",
      'src/engines/lora may not import src/engines/embed',
    ],
    [
      'src/rag/value.ts',
      "import { OnnxEmbedder } from '../engines/embed/index.ts';\nvoid OnnxEmbedder;",
      'src/rag may import only types from src/engines/embed',
    ],
    [
      'src/agent/value.ts',
      "import { LlmService } from '../engines/llm/service.ts';\nvoid LlmService;",
      'src/agent may import only types from src/engines/llm',
    ],
    [
      'src/sync/internals.ts',
      "import { MemoryStore } from '../models/storage/memory-store.ts';\nvoid MemoryStore;",
      'src/sync imports src/models through its public face: index.ts',
    ],
    [
      'src/rag/search/internals.ts',
      "import type { Embedder } from '../../engines/embed/contract.ts';\nexport type E = Embedder;",
      'src/rag imports src/engines/embed through its public face: index.ts',
    ],
    [
      'src/ui/down-too-far.ts',
      "import type { DeviceReport } from '../engines/device/report.ts';\nexport type R = DeviceReport;",
      'src/ui may not import src/engines/device',
    ],
    ['src/rag/from-tests.ts', "import '../../tests/unit/sync/helpers.ts';", 'src/rag may not import tests'],
    ['workers/upward.worker.ts', "import '../src/runtime/chat.ts';", 'workers may not import src/runtime'],
    [
      'server/upward.ts',
      "import { RagService } from '../src/rag/index.ts';\nvoid RagService;",
      'server may not import src/rag',
    ],
  ])('%s fails lint', async (filePath, code, expected) => {
    expect(await layerErrors(filePath, code)).toEqual([expect.stringContaining(expected)]);
  });

  it.each([
    [
      'src/rag/types-only.ts',
      "import type { Embedder } from '../engines/embed/index.ts';\nexport type E = Embedder;",
    ],
    [
      'src/agent/contract.ts',
      "import type { ChatEngine } from '../engines/llm/contract.ts';\nexport type C = ChatEngine;",
    ],
    ['src/sync/face.ts', "import { MemoryStore } from '../models/index.ts';\nvoid MemoryStore;"],
    ['src/engines/llm/onnx-decoder/rewrites/down.ts', "import '../../../onnx-graph/graph.ts';"],
    // A sub-folder that shares a layer's name is not that layer.
    ['src/engines/llm/tools/nested.ts', "import '../lora/x.ts';\nimport './ui/y.ts';"],
    ['workers/ok.worker.ts', "import { RagService } from '../src/rag/index.ts';\nvoid RagService;"],
    ['src/index.ts', "export { probeDeviceInWorker } from './runtime/device.ts';"],
    [
      'tests/unit/anything.test.ts',
      "import '../../src/ui/app-shell.ts';\nimport '../../src/models/storage/layout.ts';",
    ],
  ])('%s passes lint', async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([]);
  });
});

describe('the matrix data', () => {
  const layerPaths = new Set(layers.layers.map((layer) => layer.path));

  it('names every folder of src/ and src/engines/ as a layer', () => {
    const folders = (dir: string) =>
      fs
        .readdirSync(path.join(root, dir), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${dir}/${entry.name}`);
    const expected = [
      ...folders('src').filter((folder) => folder !== 'src/engines'),
      ...folders('src/engines'),
    ];
    expect(expected.filter((folder) => !layerPaths.has(folder))).toEqual([]);
  });

  it('declares index.ts as the face of every layer that has one', () => {
    const unfaced = layers.layers.filter(
      (layer) =>
        !('filesOnly' in layer) &&
        fs.existsSync(path.join(root, layer.path, 'index.ts')) &&
        !('face' in layer && layer.face?.includes('index.ts')),
    );
    expect(unfaced.map((layer) => layer.path)).toEqual([]);
  });

  it('imports only layers it knows', () => {
    const targets = layers.layers.flatMap((layer) => Object.keys(layer.imports));
    expect(targets.filter((target) => !layerPaths.has(target))).toEqual([]);
  });

  it('is printed in docs/architecture.md (npx tsx scripts/layers/write-doc.ts rewrites it)', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
    expect(doc).toContain(renderLayerDoc());
  });
});
