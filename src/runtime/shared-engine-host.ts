import { HearthError } from '../core/errors.ts';
import {
  clientLockName,
  engineHostLost,
  engineLockName,
  engineWorkerName,
  type ControlReady,
  type ControlStats,
  type ControlRequest,
} from '../engines/llm/shared/index.ts';
import { BUILD_ID } from './build-id.ts';

export { BUILD_ID };
import { reportEngineLoss, type EngineHost } from './engine-host.ts';

export interface SharedEngineHostOptions {
  /** Tabs of one build share an engine; a tab of another build never joins it. Default: this build's id. */
  buildId?: string;
}

/** Whether this browser can share one LLM engine between its tabs (SharedWorker and Web Locks). */
export function canShareEngine(): boolean {
  return typeof SharedWorker === 'function' && typeof navigator !== 'undefined' && 'locks' in navigator;
}

/**
 * One LLM engine for every tab of this build, in a SharedWorker (workers/llm.shared-worker.ts): the
 * first tab starts it and loads the model, the others join it and use that model. Pass it as
 * `createHearth({ engineHost: sharedEngineHost() })` where `canShareEngine()`.
 *
 * Each side watches the other through Web Locks: this page holds a lock per connection, which the
 * engine is granted when the page closes, crashes or navigates away (and ends that page's answers at
 * once, so other tabs are not kept waiting); the engine holds one for its life, which this page is
 * granted if the engine stops — the answer in flight then fails with ENGINE_HOST_LOST, and the next
 * call starts a new engine. A page being frozen tells the engine, which ends its answers in flight
 * with ANSWER_INTERRUPTED (read when the page wakes) and goes on serving the other tabs.
 */
export function sharedEngineHost(options: SharedEngineHostOptions = {}): EngineHost {
  const buildId = options.buildId ?? BUILD_ID;
  return () => {
    const worker = openEngineWorker(buildId);
    const clientId = crypto.randomUUID();
    const { port1: page, port2: engineSide } = new MessageChannel();
    // Ends this connection's lock and waits when the page closes the connection.
    const closed = new AbortController();
    let reportLost!: (error: HearthError) => void;
    const lost = new Promise<HearthError>((resolve) => (reportLost = resolve));

    worker.port.onmessage = ({ data }: MessageEvent<ControlReady>) => {
      if (data.type !== 'ready' || data.clientId !== clientId) return;
      // The engine holds its lock now: being granted it means the engine has stopped.
      navigator.locks
        .request(engineLockName(buildId), { signal: closed.signal }, () => reportLost(engineHostLost()))
        .catch(() => undefined);
    };
    worker.onerror = (event) =>
      reportLost(
        new HearthError(
          'WORKER_FAILED',
          `The shared engine could not start (${event.message || 'its script failed to load'}). Reload the page.`,
        ),
      );

    // Held until the connection closes; the page's calls queue on the port meanwhile.
    navigator.locks
      .request(clientLockName(buildId, clientId), { signal: closed.signal }, () => {
        const request: ControlRequest = { type: 'connect', clientId, port: engineSide };
        worker.port.postMessage(request, [engineSide]);
        return new Promise<void>((release) => closed.signal.addEventListener('abort', () => release()));
      })
      .catch(() => undefined);

    const onFreeze = () => worker.port.postMessage({ type: 'pause', clientId } satisfies ControlRequest);
    if (typeof document !== 'undefined') document.addEventListener('freeze', onFreeze);

    // The runtime closes the port it was given; closing it also ends this connection's lock and waits.
    Object.defineProperty(page, 'close', {
      value: () => {
        closed.abort();
        if (typeof document !== 'undefined') document.removeEventListener('freeze', onFreeze);
        worker.port.close();
        MessagePort.prototype.close.call(page);
      },
    });
    return reportEngineLoss(page, lost);
  };
}

/** The build's engine: started by the first page that asks, joined by the others (same URL and name). */
function openEngineWorker(buildId: string): SharedWorker {
  return new SharedWorker(new URL('../../workers/llm.shared-worker.ts', import.meta.url), {
    type: 'module',
    name: engineWorkerName(buildId),
  });
}

export type SharedEngineStatus = Omit<ControlStats, 'type'>;

/**
 * How this build's shared engine is used: pages connected, models loaded, the model loaded now
 * (the Device view shows it). Asked on the engine's control port, so asking opens no session; where
 * no tab has started the engine, asking starts an idle one.
 */
export function sharedEngineStatus(
  options: SharedEngineHostOptions & { timeoutMs?: number } = {},
): Promise<SharedEngineStatus | undefined> {
  if (!canShareEngine()) return Promise.resolve(undefined);
  const worker = openEngineWorker(options.buildId ?? BUILD_ID);
  return new Promise<SharedEngineStatus | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 5_000);
    worker.port.onmessage = ({ data }: MessageEvent<ControlStats>) => {
      if (data.type !== 'stats') return;
      clearTimeout(timer);
      const { type: _, ...status } = data;
      resolve(status);
    };
    worker.port.postMessage({ type: 'stats' } satisfies ControlRequest);
  }).finally(() => worker.port.close());
}
