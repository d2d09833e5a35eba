/**
 * What every creator returns (createChat, createEmbedder, startRag, and each piece of createHearth):
 * the capability's own methods on the object itself, plus `dispose()`, which stops whatever the creator
 * started (workers, ports, channels). Calls still pending when it runs reject with WORKER_FAILED.
 */
export type Handle<Api> = Api & {
  dispose(): void;
};
