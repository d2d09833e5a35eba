/** What the browser offers for running models, as seen from inside a worker. */
export interface DeviceReport {
  webgpu: WebGpuReport;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  storage: StorageReport;
  /** Where models are kept, and why there. */
  modelStorage: { kind: 'opfs' | 'cache-api' | 'none'; reason: string };
  /** How many threads WASM can run on here, and why. */
  wasmThreads: { available: number; reason: string };
  userAgent: string;
}

export type WebGpuReport =
  | {
      available: true;
      vendor: string;
      architecture: string;
      description: string;
      shaderF16: boolean;
      features: string[];
      limits: {
        maxBufferSize: number;
        maxStorageBufferBindingSize: number;
        maxComputeWorkgroupStorageSize: number;
      };
    }
  | { available: false; reason: string };

export interface StorageReport {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}
