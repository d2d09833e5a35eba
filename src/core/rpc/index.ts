export { connectApi, type RemoteApi, type WorkerHandle } from './connect.ts';
export { exposeApi } from './expose.ts';
