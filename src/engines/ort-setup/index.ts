/**
 * Hearth's one way to run onnxruntime-web, shared by every engine (embeddings, decoders).
 *
 * ```ts
 * // In a worker entry (browser): where the .wasm lives, and the thread count, before any session.
 * configureOrt({ wasmPaths: browserWasmPaths, threads: 2 }); // from './browser-wasm-paths.ts'
 * const { device, reason } = await chooseDevice('auto');     // 'webgpu' | 'wasm', and why
 * const session = await createSession(bytes, { device, label: 'owner/model@main onnx/model.onnx' });
 * const { inputs } = sessionSignature(session);             // Map name -> element type
 * ```
 *
 * - `configureOrt` sets `ort.env` once per realm (ORT ignores later changes); threads default to
 *   min(hardwareConcurrency, 4) on a cross-origin isolated page, else 1, and the report says why.
 * - `chooseDevice('auto')` takes a hardware WebGPU adapter, else WASM (software adapters such as
 *   SwiftShader are slower than WASM); `'webgpu'` without an adapter fails with WEBGPU_UNAVAILABLE.
 * - `createSession` turns ORT's failures into HearthErrors naming the model (MODEL_FILE_MALFORMED for
 *   bytes that are not an ONNX graph, MODEL_LOAD_FAILED otherwise).
 * - The module is `onnxruntime-web`'s default entry: in browsers the bundled JSEP build (WebGPU + WASM),
 *   in Node its WASM build, so engines run unchanged in Vitest.
 */
export {
  configureOrt,
  defaultThreadCount,
  ort,
  ortEnvReport,
  type OrtEnvOptions,
  type OrtEnvReport,
} from './env.ts';
export { chooseDevice, type DeviceChoice, type DevicePreference, type ExecutionDevice } from './device.ts';
export {
  createSession,
  sessionSignature,
  type CreateSessionOptions,
  type SessionSignature,
} from './session.ts';
export { ORT_SETUP_ERROR_CODES } from './errors.ts';
