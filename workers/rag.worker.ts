import { connectApi, exposeApi } from '../src/core/rpc/index.ts';
import type { Embedder } from '../src/engines/embed/contract.ts';
import { RAG_METHODS, RagService } from '../src/rag/service.ts';
import type { RagWorkerInit } from '../src/rag/worker-init.ts';

// The first message carries the embedder's port; the RPC is served from then on.
function init(event: MessageEvent<RagWorkerInit>) {
  if (event.data?.type !== 'hearth-rag-init') return;
  self.removeEventListener('message', init);
  const embedder = connectApi<Embedder>(event.data.embedderPort).api;
  const service = new RagService(embedder, event.data.options);
  exposeApi(Object.fromEntries(RAG_METHODS.map((name) => [name, service[name].bind(service)])));
}
self.addEventListener('message', init);
