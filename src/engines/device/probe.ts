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

export async function probeDevice(): Promise<DeviceReport> {
  const [webgpu, storage] = await Promise.all([describeWebGpu(), describeStorage()]);
  return {
    webgpu,
    storage,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
    userAgent: globalThis.navigator?.userAgent ?? 'unknown',
  };
}
