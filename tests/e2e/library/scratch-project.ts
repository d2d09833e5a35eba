import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { buildLibraryOnce, repoRoot } from './library-build.ts';

/**
 * Uses the library as a consumer does: builds dist/lib and runs `npm pack`, then installs the
 * tarball into a scratch project in a temp folder, typechecks an import, and builds a Vite app with
 * Vite's default configuration. Offline and quick: the package's own dependencies are linked from
 * this repository's node_modules before `npm install --offline`, which then finds them satisfied.
 * Also runnable alone: `npx tsx tests/e2e/library/scratch-project.ts`.
 */
export { repoRoot };
export const examplePath = join(repoRoot, 'tests/e2e/library/example.ts');
/** The README's example of the subpaths, with OpenAI Agents JS and the AI SDK. */
export const interopExamplePath = join(repoRoot, 'tests/e2e/library/interop-example.ts');
const bin = (name: string) => join(repoRoot, 'node_modules', name);

export interface ScratchProject {
  dir: string;
  tarball: string;
  /** Files in the tarball and their sizes. */
  packed: Array<{ path: string; size: number }>;
  /** The installed package's dist/lib, as a static host would serve it. */
  installedLib: string;
  /** The Vite app's build output. */
  viteDist: string;
  /** A page that loads dist/lib unbundled through an import map. */
  importMapPage: string;
  /** The subpaths' example (agents-core and the AI SDK), built by Vite with its default configuration. */
  interopDist: string;
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The TypeScript settings of Vite's vanilla-ts template. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ['src'],
};

/** Type-level use beyond the example; the expected error proves the types are real, not `any`. */
const TYPE_CHECKS = `import { createHearth, HearthError, type ChatCompletion, type Hearth } from '@hearth-runtime/hearth';

const hearth: Hearth = createHearth();
export const reply: Promise<ChatCompletion> = hearth.chat.completions.create({ messages: [] });
export const isCode = (error: unknown) => error instanceof HearthError && error.code === 'HEARTH_DISPOSED';
// @ts-expect-error: the chat backend is a closed union
createHearth({ chat: { backend: 'no-such-backend' } });
`;

/** The subpaths, against the peer libraries' own types: each adapter is what its library takes. */
const SUBPATH_CHECKS = `import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { Model, ModelProvider } from '@openai/agents-core';
import { createHearth } from '@hearth-runtime/hearth';
import { HearthLanguageModel } from '@hearth-runtime/hearth/ai-sdk';
import { HearthModel, HearthModelProvider } from '@hearth-runtime/hearth/openai-agents';

const hearth = createHearth();
export const model: Model = new HearthModel(hearth.chat, { adapter: 'support@3' });
export const provider: ModelProvider = new HearthModelProvider(hearth.chat);
export const languageModel: LanguageModelV4 = new HearthLanguageModel(hearth.chat, { modelId: 'tiny' });
// @ts-expect-error: Hearth's own fields are a closed set
new HearthModel(hearth.chat, { service_tier: 'flex' });
`;

/** The optional peers and the libraries the subpaths serve, from where this repository installs them. */
const PEERS: Record<string, string> = {
  '@openai/agents-core': join(repoRoot, 'node_modules/@openai/agents-core'),
  '@ai-sdk/provider': join(repoRoot, 'tests/ai-sdk/node_modules/@ai-sdk/provider'),
  ai: join(repoRoot, 'tests/ai-sdk/node_modules/ai'),
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>scratch app</title></head>
  <body>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`;

const IMPORT_MAP_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>import map</title>
    <script type="importmap">{ "imports": { "@hearth-runtime/hearth": "/lib/index.js" } }</script>
  </head>
  <body>
    <script type="module" src="/example.js"></script>
  </body>
</html>
`;

export function prepareScratchProject(): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-consumer-'));
  // prepack builds the library too; built apart here (once per run, shared with the component's
  // specs) so that npm pack's stdout is only its JSON.
  buildLibraryOnce();
  const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], repoRoot);
  const [pack] = JSON.parse(packed) as Array<{
    filename: string;
    files: Array<{ path: string; size: number }>;
  }>;
  const tarball = join(dir, pack!.filename);

  const app = join(dir, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
  );
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    dependencies: Record<string, string>;
  };
  const link = (dependency: string, target: string) => {
    const path = join(app, 'node_modules', dependency);
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path, 'dir');
  };
  for (const dependency of Object.keys(manifest.dependencies)) link(dependency, bin(dependency));
  run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  // Optional peers, linked after the install, which would remove them as packages nobody asked for.
  for (const [dependency, target] of Object.entries(PEERS)) link(dependency, target);

  copyFileSync(examplePath, join(app, 'src/main.ts'));
  writeFileSync(join(app, 'src/types.ts'), TYPE_CHECKS);
  writeFileSync(join(app, 'src/subpaths.ts'), SUBPATH_CHECKS);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(join(app, 'index.html'), INDEX_HTML);
  copyFileSync(interopExamplePath, join(app, 'src/interop.ts'));
  run(process.execPath, [bin('typescript/bin/tsc'), '-p', '.'], app);
  run(process.execPath, [bin('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);

  // The subpaths' example as a second app in the same project (same node_modules), also built with
  // Vite's defaults: its own folder, whose index.html loads the example.
  const interopApp = join(app, 'interop');
  mkdirSync(interopApp);
  writeFileSync(join(interopApp, 'index.html'), INDEX_HTML.replace('/src/main.ts', '/main.ts'));
  copyFileSync(interopExamplePath, join(interopApp, 'main.ts'));
  run(process.execPath, [bin('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], interopApp);

  // The same example, unbundled: types stripped, the bare import left to the page's import map.
  const importMapPage = join(dir, 'import-map');
  mkdirSync(importMapPage);
  const example = ts.transpileModule(readFileSync(examplePath, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  writeFileSync(join(importMapPage, 'example.js'), example.outputText);
  writeFileSync(join(importMapPage, 'index.html'), IMPORT_MAP_HTML);

  return {
    dir,
    tarball,
    packed: pack!.files,
    installedLib: join(app, 'node_modules', manifest.name, 'dist/lib'),
    viteDist: join(app, 'dist'),
    importMapPage,
    interopDist: join(interopApp, 'dist'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(prepareScratchProject());
