import type { HearthErrorCode } from '../../../src/core/errors.ts';
import { connectApi } from '../../../src/core/rpc/index.ts';
import type { ProbeService } from '../../../src/engines/device/probe-service.ts';
import type { TestRpcService } from '../../support/test-rpc-service.ts';

// Drives the real probe worker, and a test worker for the RPC's plumbing, from the page; the spec
// calls these through page.evaluate.
const worker = new Worker(new URL('../../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
const { api } = connectApi<ProbeService>(worker);
const testWorker = new Worker(new URL('./test-rpc.worker.ts', import.meta.url), { type: 'module' });
const { api: rpc } = connectApi<TestRpcService>(testWorker);

async function countWithAbort(abortAt: number) {
  const controller = new AbortController();
  const seen: number[] = [];
  try {
    for await (const value of await rpc.count(1000, { intervalMs: 5, signal: controller.signal })) {
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
    await rpc.fail(code as HearthErrorCode, message);
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
