import jsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/**
 * Browser only. Importing the .wasm with `?url` makes Vite serve it in dev and emit it (hashed) in a
 * build, instead of relying on ORT finding it next to its own script. `onnxruntime-web`'s default
 * browser entry is the bundled JSEP build (WebGPU + WASM in one binary), which needs only this file.
 * Pass the result as `configureOrt({ wasmPaths: browserWasmPaths })`.
 */
export const browserWasmPaths = wasmPathsFor(jsepWasmUrl, jsepMjsUrl);

/**
 * ORT's paths for one build: its `.wasm`, and its Emscripten glue (`.mjs`) only where threads need
 * it as a file. That is a cross-origin isolated page whose worker loaded ORT from another origin
 * (the web component on another site): ORT's thread workers must start from a same-origin URL, so it
 * fetches the glue into a Blob URL and starts them from there; it cannot do that with the copy
 * bundled inside its own script. Everywhere else the bundled copy is used and the file is not fetched.
 */
export function wasmPathsFor(wasm: string, mjs: string): { wasm: string; mjs?: string } {
  const here = globalThis.location?.href;
  const crossOrigin = here !== undefined && new URL(wasm, here).origin !== new URL(here).origin;
  return crossOrigin && globalThis.crossOriginIsolated === true ? { wasm, mjs } : { wasm };
}
