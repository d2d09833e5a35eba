import { defineConfig, type Plugin } from 'vite';
import { a2aSdkBuffer } from './scripts/vite/a2a-sdk-buffer.ts';

/**
 * The library build (`dist/lib/`, ES modules): src/index.ts with its dependencies bundled, the
 * workers as their own chunks and onnxruntime's .wasm as files beside them. Library mode would inline
 * every asset as base64 (a 28 MB binary inside a script); `?no-inline` keeps them files (and the
 * `.mjs` glue that ORT's threads fetch on another origin's page, see browser-wasm-paths.ts).
 */
function wasmAsFiles(): Plugin {
  return {
    name: 'hearth-wasm-as-files',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/\.(?:wasm|mjs)\?url$/.test(source)) return null;
      return this.resolve(`${source}&no-inline`, importer, { ...options, skipSelf: true });
    },
    // onnxruntime's own fallback URLs (`new URL('ort-….wasm', import.meta.url)`, used only when no
    // wasmPaths are given, and Hearth always gives them) would otherwise be inlined too, and an app
    // bundling dist/lib would look for files that are not there.
    transform(code, id) {
      if (!id.includes('onnxruntime-web')) return null;
      const out = code.replace(
        /(new \w+\("ort[\w.-]*\.(?:wasm|mjs)",\s*)import\.meta\.url\)/g,
        '$1"" + import.meta.url)',
      );
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * Vite writes a library's worker URLs in a form no bundler reads back. Rewritten to the pattern that
 * Vite, webpack and Parcel all recognise, an app that bundles dist/lib bundles the workers too, and
 * a page that loads dist/lib unbundled starts them from the files beside it.
 */
function workersAsBundlersExpect(): Plugin {
  const emitted =
    /new Worker\(new URL\(\s*\/\* @vite-ignore \*\/\s*new URL\("(assets\/[\w.-]+\.js)", import\.meta\.url\)\.href,\s*"" \+ import\.meta\.url\s*\), \{ type: "module" \}\)/g;
  return {
    name: 'hearth-workers-as-bundlers-expect',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        chunk.code = chunk.code.replace(
          emitted,
          (_match, file: string) => `new Worker(new URL("./${file}", import.meta.url), { type: "module" })`,
        );
      }
    },
  };
}

/**
 * web-llm (6 MB minified, one module) stays a dependency, imported only when an MLC model is loaded:
 * bundled, it would be one file over the 2 MB a script may weigh here. The libraries the subpath
 * entries adapt to are the user's own (peer dependencies): their copy is the one their agents use.
 */
const external = ['@mlc-ai/web-llm', '@openai/agents-core', '@ai-sdk/provider'];

export default defineConfig({
  publicDir: false,
  base: './',
  plugins: [wasmAsFiles(), workersAsBundlersExpect(), a2aSdkBuffer()],
  worker: { format: 'es', plugins: () => [wasmAsFiles()], rolldownOptions: { external } },
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    // The package's front door and its subpaths (package.json `exports`), each its own file, and the
    // web component (one script tag); code they share goes to shared chunks.
    lib: {
      entry: {
        index: 'src/index.ts',
        'openai-agents': 'src/openai-agents.ts',
        'ai-sdk': 'src/ai-sdk.ts',
        'hearth-chat': 'src/hearth-chat.ts',
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { external },
  },
});
