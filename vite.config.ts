import { defineConfig } from 'vite';
import { a2aSdkBuffer } from './scripts/vite/a2a-sdk-buffer.ts';

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

/**
 * CORS for the web component on other sites (docs/embedding.md): its module scripts, workers, .wasm
 * and model files are fetched across origins, always with CORS for modules; a resumed download sends
 * Range and If-Range (a preflight) and reads Content-Range and the hub's X-Linked-* headers.
 */
export const embedCors = {
  origin: '*',
  exposedHeaders: ['Content-Range', 'Accept-Ranges', 'ETag', 'X-Linked-Etag', 'X-Linked-Size'],
  maxAge: 86_400,
};

const host = process.env.HEARTH_HOST ?? '127.0.0.1';

export default defineConfig({
  server: { host, port: Number(process.env.PORT_APP ?? 5173), headers: isolationHeaders },
  preview: { host, port: Number(process.env.PORT_APP ?? 4173), headers: isolationHeaders, cors: embedCors },
  worker: { format: 'es' },
  // onnxruntime-web loads its own .wasm/.mjs by URL, so it must not be pre-bundled; xgrammar and the A2A client are
  // pre-bundled up front so the first page that needs them does not trigger a dependency re-optimisation and
  // reload. pdfjs is already one ES module, imported late inside the RAG worker, where a re-optimisation could
  // not reload. The A2A SDK's `Buffer` is bound to a browser one in its own modules, in the pre-bundle and builds.
  optimizeDeps: {
    exclude: ['onnxruntime-web', 'pdfjs-dist'],
    include: ['@mlc-ai/web-xgrammar', '@a2a-js/sdk/client'],
    rolldownOptions: { plugins: [a2aSdkBuffer()] },
  },
  plugins: [a2aSdkBuffer()],
  build: { target: 'es2022', sourcemap: true },
});
