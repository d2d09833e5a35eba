import type { DeviceReport, StorageReport } from './report.ts';
import { describeWebGpu } from './webgpu.ts';

async function describeStorage(): Promise<StorageReport> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate?.().catch(() => undefined),
    storage.persisted?.().catch(() => null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
}

/** The asset store's own choice (src/models): OPFS where the browser has it, else the Cache API. */
async function describeModelStorage(): Promise<DeviceReport['modelStorage']> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (typeof storage?.getDirectory === 'function') {
    try {
      await storage.getDirectory();
      return { kind: 'opfs', reason: "Models are kept in this site's private file system." };
    } catch {
      // A private window may refuse it: the Cache API below, as the asset store does.
    }
  }
  if (typeof caches !== 'undefined')
    return {
      kind: 'cache-api',
      reason:
        'Models are kept in the Cache API: this browser offers no private file system to this site (they still download once and work offline; a paused download starts its file again).',
    };
  return {
    kind: 'none',
    reason:
      'This browser offers neither a private file system nor the Cache API: models are downloaded again on each visit.',
  };
}

/** onnxruntime-web runs WASM on several threads only with SharedArrayBuffer, i.e. cross-origin isolation. */
function describeWasmThreads(): DeviceReport['wasmThreads'] {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (typeof SharedArrayBuffer !== 'function')
    return {
      available: 1,
      reason: globalThis.crossOriginIsolated
        ? 'This browser has no SharedArrayBuffer: WASM runs on one thread.'
        : 'This page is not cross-origin isolated (the host sends no COOP/COEP headers), so SharedArrayBuffer is off: WASM runs on one thread.',
    };
  return {
    available: Math.max(1, Math.min(4, cores)),
    reason: 'SharedArrayBuffer is available: WASM runs on several threads.',
  };
}

export async function probeDevice(): Promise<DeviceReport> {
  const [webgpu, storage, modelStorage] = await Promise.all([
    describeWebGpu(),
    describeStorage(),
    describeModelStorage(),
  ]);
  return {
    webgpu,
    storage,
    modelStorage,
    wasmThreads: describeWasmThreads(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
    userAgent: globalThis.navigator?.userAgent ?? 'unknown',
  };
}
