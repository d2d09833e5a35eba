/**
 * What a page needs to talk to the RAG worker: the methods it serves and the types of its API. Apart
 * from index.ts so that the page does not load the RAG implementation, which runs in the worker.
 */
export { RAG_METHODS, type RagApi } from './methods.ts';
export type { RagServiceOptions } from './service.ts';
export type { RagWorkerInit } from './worker-init.ts';
