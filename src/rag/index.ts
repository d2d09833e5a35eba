export { RagService, type RagServiceOptions, type QueuedDocument } from './service.ts';
export type { DocumentInput } from './service-input.ts';
export type { SearchRequest, SearchResult } from './search/request.ts';
export type { RagEvent } from './events.ts';
export { RagErrorCode } from './errors.ts';
export type * from './types.ts';
export { RAG_METHODS, type RagApi } from './service.ts';
export type { RagWorkerInit } from './worker-init.ts';
export type { PreparedChunk, PreparedDocument } from './ingest/prepared.ts';
