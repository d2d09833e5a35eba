import { defineConfig } from 'vite';
import { buildIdDefine, hearthPwa } from './vite.pwa.ts';

/**
 * Cross-origin isolation (COOP + COEP) is what lets onnxruntime-web run multi-threaded WASM
 * (SharedArrayBuffer). CORP cross-origin lets other sites embed these files (the web component).
 * Production hosts must send the same three headers; see README "Hosting".
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
} as const;

const host = process.env.HEARTH_HOST ?? '127.0.0.1';

export default defineConfig({
  server: { host, port: Number(process.env.PORT_APP ?? 5173), headers: isolationHeaders },
  preview: { host, port: Number(process.env.PORT_APP ?? 4173), headers: isolationHeaders },
  worker: { format: 'es' },
  define: buildIdDefine,
  plugins: [hearthPwa()],
  // onnxruntime-web loads its own .wasm/.mjs by URL, so it must not be pre-bundled; xgrammar is pre-bundled up
  // front so the first page that needs it does not trigger a dependency re-optimisation and reload. pdfjs is
  // already one ES module, imported late inside the RAG worker, where a re-optimisation could not reload.
  optimizeDeps: { exclude: ['onnxruntime-web', 'pdfjs-dist'], include: ['@mlc-ai/web-xgrammar'] },
  build: { target: 'es2022', sourcemap: true },
});
