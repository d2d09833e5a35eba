import type * as PdfjsModule from 'pdfjs-dist/legacy/build/pdf.mjs';

type Pdfjs = typeof PdfjsModule;

let loading: Promise<Pdfjs> | null = null;

/**
 * pdfjs, loaded on the first PDF only (it is ~1 MB; text files never pay for it). The legacy build,
 * because the modern one needs Promise.withResolvers, which Node 20 lacks; in a browser the two parse
 * the same way.
 *
 * Where pdfjs parses: it wants its own worker, but its worker module cannot simply be imported
 * into the RAG worker — on load it takes over the global scope's message port and announces itself
 * on it, which the RAG worker's own RPC owns. So in a browser the worker file gets a worker of its
 * own (nested in the RAG worker, handed to pdfjs as its port), which also keeps parsing off the
 * thread that answers searches. In Node, where there is no such port, the worker module is
 * imported and pdfjs runs it in this thread (its "fake worker").
 */
export function loadPdfjs(): Promise<Pdfjs> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function load(): Promise<Pdfjs> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  if (isNode()) {
    // A variable specifier, so that bundlers leave this Node-only module out of the browser build.
    const workerModule = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
    await import(/* @vite-ignore */ workerModule);
  } else if (!pdfjs.GlobalWorkerOptions.workerPort) {
    const { default: workerUrl } = await import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url');
    pdfjs.GlobalWorkerOptions.workerPort = new Worker(workerUrl, { type: 'module', name: 'hearth-pdf' });
  }
  return pdfjs;
}

function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}
