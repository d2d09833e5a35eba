import { connectApi, exposeApi } from '../src/core/rpc/index.ts';
import type { Embedder } from '../src/engines/embed/index.ts';
import { RAG_METHODS, RagService, type RagWorkerInit } from '../src/rag/index.ts';

// The first message carries the embedder's port; the RPC is served from then on.
function init(event: MessageEvent<RagWorkerInit>) {
  if (event.data?.type !== 'hearth-rag-init') return;
  self.removeEventListener('message', init);
  const embedder = connectApi<Embedder>(event.data.embedderPort).api;
  const service = new RagService(embedder, event.data.options);
  exposeApi(service, RAG_METHODS);
}
self.addEventListener('message', init);
