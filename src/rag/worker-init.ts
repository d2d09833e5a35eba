import type { RagServiceOptions } from './service.ts';

/** The first message the page sends the RAG worker (workers/rag.worker.ts): its embedder and options. */
export interface RagWorkerInit {
  type: 'hearth-rag-init';
  /** A port on which the page serves an Embedder (see src/runtime/rag.ts). */
  embedderPort: MessagePort;
  options: RagServiceOptions;
}
