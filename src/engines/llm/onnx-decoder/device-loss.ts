import { HearthError } from '../../../core/errors.ts';
import { ort } from './decoder-runtime.ts';

/**
 * A WebGPU device can be lost at any time: a driver update or crash, the GPU reset after a hang,
 * the browser reclaiming it, or `GPUDevice.destroy()`. ORT does not notice by itself (a run on a
 * lost device may reject, or never settle), so the engine watches `device.lost` and races every
 * run against it.
 */
export class DeviceLossWatch {
  /** Set once the device is lost. */
  info: GPUDeviceLostInfo | null = null;
  private readonly failure: Promise<never>;

  constructor(lost: Promise<GPUDeviceLostInfo>) {
    this.failure = lost.then((info) => {
      this.info = info;
      throw deviceLostError(info);
    });
    this.failure.catch(() => undefined); // observed through `race`; never an unhandled rejection
  }

  /** The device ORT runs WebGPU sessions on (the default onnxruntime-web build shares one). */
  static async ofOrtDevice(): Promise<DeviceLossWatch> {
    return new DeviceLossWatch((await ort.env.webgpu.device).lost);
  }

  /** `work`, or DEVICE_LOST as soon as the device is lost, whichever comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.failure]);
  }

  /**
   * After a failed run: whether the failure was the device going away. Its `lost` promise settles
   * a moment after the device's last operation fails, so this waits briefly for it.
   */
  async explains(graceMs = 100): Promise<boolean> {
    if (this.info) return true;
    await Promise.race([this.failure.catch(() => undefined), new Promise((r) => setTimeout(r, graceMs))]);
    return this.info !== null;
  }
}

export function deviceLostError(info: Pick<GPUDeviceLostInfo, 'reason' | 'message'>): HearthError {
  const why = info.message || (info.reason === 'destroyed' ? 'the device was destroyed' : 'no reason given');
  return new HearthError(
    'DEVICE_LOST',
    `The GPU stopped while the model was running (WebGPU device lost: ${why}). The model is moved to WASM, which is slower but keeps working: send the message again.`,
    { details: { reason: info.reason } },
  );
}
