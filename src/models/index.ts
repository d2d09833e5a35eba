export { catalog, filesFor, findModel, getModel, HUB_BASE_URL } from './catalog.ts';
export type { CatalogEntry, ChatFacts, Dtype, EmbedFacts, ModelFile, ModelSource } from './catalog-schema.ts';
export { DEMO_BASE_URL } from './demo-entries.ts';
export { describeHashSource, type HashSource } from './download/hash-source.ts';
export type { EstimateFn } from './download/quota.ts';
export { requestPersistence, type PersistenceReport } from './persistence.ts';
export { httpModelFiles, resolveUrl } from './http-model-files.ts';
export type { CachedModel, FileState, FileStatus } from './inventory.ts';
export {
  ModelStore,
  type DownloadReport,
  type EnsureOptions,
  type ModelRequest,
  type ModelStoreOptions,
} from './model-store.ts';
export type { Appender, StoredEntry } from './storage/byte-store.ts';
export { readText, writeText, type ByteStore, type StoreKey } from './storage/byte-store.ts';
export { CacheStore, cacheStorageAvailable } from './storage/cache-store.ts';
export { dataKey, modelKey } from './storage/layout.ts';
export { MemoryStore } from './storage/memory-store.ts';
export { OpfsStore, opfsAvailable } from './storage/opfs-store.ts';
export {
  downloadFile,
  type DownloadContext,
  type FileToDownload,
  type StoredFile,
} from './download/download-file.ts';
export { MODEL_ERROR_CODES } from './errors.ts';
export {
  MODELS_METHODS,
  ModelsService,
  type AutoDeviceChoice,
  type ModelDownloadRequest,
  type ModelDownloadResult,
  type ModelsServiceDeps,
} from './models-service.ts';
