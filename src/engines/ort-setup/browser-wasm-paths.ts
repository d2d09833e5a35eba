import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/**
 * Browser only. Importing the .wasm with `?url` makes Vite serve it in dev and emit it (hashed) in a
 * build, instead of relying on ORT finding it next to its own script. `onnxruntime-web`'s default
 * browser entry is the bundled JSEP build (WebGPU + WASM in one binary), which needs only this file.
 * Pass the result as `configureOrt({ wasmPaths: browserWasmPaths })`.
 */
export const browserWasmPaths = { wasm: jsepWasmUrl };
