import type { MethodName } from '../core/rpc/index.ts';
import type { RagService } from './service.ts';

/** The public methods, which the RAG worker serves. */
export const RAG_METHODS = [
  'createCollection',
  'listCollections',
  'deleteCollection',
  'addDocument',
  'updateDocument',
  'ingest',
  'addPrepared',
  'waitForJob',
  'deleteDocument',
  'listDocuments',
  'passage',
  'jobs',
  'retryJob',
  'cancelJob',
  'checkModel',
  'reembed',
  'search',
  'warm',
  'exportCollection',
  'importCollection',
  'events',
  'resume',
  'idle',
  'close',
] as const satisfies readonly MethodName<RagService>[];

export type RagApi = Pick<RagService, (typeof RAG_METHODS)[number]>;
