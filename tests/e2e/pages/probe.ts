import { connectApi } from '../../../src/core/rpc/index.ts';
import type { ProbeService } from '../../../src/engines/device/probe-service.ts';

// Drives the real probe worker from the page; the spec calls these through page.evaluate.
const worker = new Worker(new URL('../../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
const { api } = connectApi<ProbeService>(worker);

async function countWithAbort(abortAt: number) {
  const controller = new AbortController();
  const seen: number[] = [];
  try {
    for await (const value of await api.count(1000, { intervalMs: 5, signal: controller.signal })) {
      seen.push(value);
      if (value === abortAt) controller.abort('stop pressed');
    }
    return { seen, error: null };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { seen, error: { code, message } };
  }
}

async function failWith(code: string, message: string) {
  try {
    await api.fail(code, message);
    return null;
  } catch (error) {
    const e = error as { code?: string; message: string; name: string };
    return { code: e.code, message: e.message, name: e.name };
  }
}

async function computeCheck(values: number[]) {
  return Array.from(await api.computeCheck(new Float32Array(values)));
}

Object.assign(globalThis, {
  harness: {
    probe: () => api.probe(),
    computeCheck,
    countWithAbort,
    failWith,
    pageIsolated: globalThis.crossOriginIsolated,
  },
});
document.title = 'probe harness ready';
