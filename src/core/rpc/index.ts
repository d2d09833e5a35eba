export { connectApi, type RemoteApi, type WorkerHandle } from './connect.ts';
export { exposeApi, type MethodName } from './expose.ts';
