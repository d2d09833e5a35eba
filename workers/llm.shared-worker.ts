/// <reference lib="webworker" />
import { exposeApi } from '../src/core/rpc/index.ts';
import {
  buildIdOfWorker,
  clientLockName,
  engineLockName,
  ENGINE_SESSION_METHODS,
  SharedLlmEngine,
  type ControlReady,
  type ControlStats,
  type ControlRequest,
  type EngineSession,
} from '../src/engines/llm/shared/index.ts';
import { createBrowserLlmService } from './llm-service.ts';

/*
 * One LLM engine for every tab of this build: each tab connects (`new SharedWorker(url, { name })`
 * joins the running one) and is served a session on a port of its own. The engine's Web Lock, held
 * for its whole life, tells pages when it is gone; each page's lock tells the engine when that page
 * is gone, so the answers it was being sent end at once instead of holding the engine.
 */
declare const self: SharedWorkerGlobalScope;

const buildId = buildIdOfWorker(self.name);
const engine = new SharedLlmEngine(createBrowserLlmService());
const sessions = new Map<string, EngineSession>();

const lockHeld = new Promise<void>((held) => {
  void navigator.locks.request(engineLockName(buildId), () => {
    held();
    return new Promise<never>(() => undefined); // released only when this worker stops
  });
});

self.onconnect = (event) => {
  const control = event.ports[0]!;
  control.onmessage = async ({ data }: MessageEvent<ControlRequest>) => {
    if (data.type === 'pause') return sessions.get(data.clientId)?.pause();
    if (data.type === 'stats')
      return control.postMessage({ type: 'stats', buildId, ...engine.stats() } satisfies ControlStats);
    if (data.type !== 'connect') return;
    const session = engine.session();
    sessions.set(data.clientId, session);
    exposeApi(session, ENGINE_SESSION_METHODS, data.port);
    await lockHeld;
    // Granted once the page has released it: closed its connection, or closed, crashed or navigated away.
    void navigator.locks.request(clientLockName(buildId, data.clientId), () => {
      session.close();
      sessions.delete(data.clientId);
      data.port.close();
    });
    control.postMessage({ type: 'ready', buildId, clientId: data.clientId } satisfies ControlReady);
  };
};
