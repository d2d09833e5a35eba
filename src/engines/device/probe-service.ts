import type { MethodName } from '../../core/rpc/index.ts';
import { probeDevice } from './probe.ts';
import type { DeviceReport } from './report.ts';
import { runComputeCheck } from './webgpu.ts';

/** The probe worker's API: the device report and a WebGPU smoke test. */
export class ProbeService {
  probe(): Promise<DeviceReport> {
    return probeDevice();
  }

  computeCheck(input: Float32Array): Promise<Float32Array> {
    return runComputeCheck(input);
  }
}

export const PROBE_METHODS = ['probe', 'computeCheck'] as const satisfies readonly MethodName<ProbeService>[];
