export {
  RAG_METHODS,
  RagService,
  type QueuedDocument,
  type RagApi,
  type RagServiceOptions,
} from './service.ts';
export type { DocumentInput } from './service-input.ts';
export type { SearchRequest, SearchResult } from './search/request.ts';
export type { RagEvent } from './events.ts';
export { RAG_ERROR_CODES } from './errors.ts';
export type * from './types.ts';
export type { RagWorkerInit } from './worker-init.ts';
export type { PreparedChunk, PreparedDocument } from './ingest/prepared.ts';
export type { Passage } from './store/passage.ts';
