export {
  ENGINE_SESSION_METHODS,
  EngineSession,
  SharedLlmEngine,
  type SharedEngineStats,
} from './shared-engine.ts';
export {
  buildIdOfWorker,
  clientLockName,
  engineLockName,
  engineWorkerName,
  type ControlReady,
  type ControlStats,
  type ControlRequest,
} from './protocol.ts';
export { answerInterrupted, engineHostLost } from './errors.ts';
