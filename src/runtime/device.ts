import { connectApi } from '../core/rpc/index.ts';
import type { DeviceReport } from '../engines/device/report.ts';
import type { ProbeService } from '../engines/device/probe-service.ts';

export type { DeviceReport };

/** Asks a fresh probe worker what this device offers, then stops it. */
export async function probeDeviceInWorker(): Promise<DeviceReport> {
  const worker = new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
  const handle = connectApi<ProbeService>(worker);
  try {
    return await handle.api.probe();
  } finally {
    handle.terminate();
  }
}
