/**
 * How pages reach one LLM engine shared by every tab of a build: the names of the SharedWorker and
 * of the Web Locks that tell each side when the other is gone, and the control messages on the
 * SharedWorker's own port. Every name carries the build id, so a page of a newer build never joins
 * (or waits on) an engine of an older one.
 */

/** The SharedWorker's name; `new SharedWorker(url, { name })` joins the running one of that name. */
export const engineWorkerName = (buildId: string) => `hearth-llm:${buildId}`;

/** The build id, read back from the worker's own name. */
export function buildIdOfWorker(name: string): string {
  return name.startsWith('hearth-llm:') ? name.slice('hearth-llm:'.length) : name;
}

/** Held by the engine for its whole life: a page granted it knows the engine has stopped. */
export const engineLockName = (buildId: string) => `hearth-llm-engine:${buildId}`;

/** Held by a page for as long as one connection is open: the engine granted it knows the page is gone. */
export const clientLockName = (buildId: string, clientId: string) =>
  `hearth-llm-client:${buildId}:${clientId}`;

/** Page → engine, on the SharedWorker's port. */
export type ControlRequest =
  /** A new connection: `port` is served the engine's API; `clientId` names the page's lock. */
  | { type: 'connect'; clientId: string; port: MessagePort }
  /** The page is being frozen (a background tab): its answers in flight are ended so others can go on. */
  | { type: 'pause'; clientId: string }
  /** How the engine is used now (answered with `ControlStats`), without opening a session. */
  | { type: 'stats' };

/** Engine → page: the engine holds its lock and watches the page's, so each side may now wait on the other. */
export interface ControlReady {
  type: 'ready';
  buildId: string;
  clientId: string;
}

export interface ControlStats {
  type: 'stats';
  buildId: string;
  /** Pages connected now. */
  sessions: number;
  /** Models loaded since the engine started: one, however many tabs asked for it. */
  modelLoads: number;
  model: string | undefined;
}
