export {
  createHearth,
  type Hearth,
  type HearthAdapterConfig,
  type HearthAgentsConfig,
  type HearthConfig,
  type HearthPart,
  type HearthProgress,
} from './hearth.ts';
export type { ChatApi, ChatCompletions } from './chat-api.ts';
export { createChat, type ChatHandle, type CreateChatOptions } from './chat.ts';
export { createEmbedder, type CreateEmbedderOptions, type EmbedderHandle } from './embedder.ts';
export {
  startRag,
  type PersistenceReport,
  type RagHandle,
  type RagRemote,
  type RagStoreApi,
  type StartRagOptions,
} from './rag.ts';
export type { EngineEndpoint, EngineHost } from './engine-host.ts';
export type { Handle } from './handle.ts';
export { RUNTIME_ERROR_CODES, type RuntimeErrorCode } from './errors.ts';
export { probeDeviceInWorker, type DeviceReport } from './device.ts';
export {
  createModels,
  listCatalog,
  type DeviceChoice,
  type DownloadEvents,
  type DownloadState,
  type ModelDownload,
  type ModelListing,
  type ModelsApi,
  type ModelsHandle,
  type StorageStatus,
} from './models.ts';
// Types the UI shows, reached through the runtime (the UI imports nothing below it).
export type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  EngineCapabilities,
} from '../engines/llm/contract.ts';
export type { CollectionRecord, DocumentRecord, Passage, SearchResult } from '../rag/index.ts';
// Adapter sync and training, as the Adapters view uses them through `hearth.adapters()`.
export {
  conversationToDatasetLine,
  TRAINING_FINAL_STATUSES,
  type AdapterSync,
  type SyncFailure,
  type SyncReport,
  type TrainingJob,
  type TrainingProgress,
  type TrainingUpdate,
} from '../sync/index.ts';
export type { AdapterManifest } from '../core/adapter-manifest.ts';
// Agents, as the Agents view uses them through `hearth.agents`.
export {
  AGENT_ERROR_CODES,
  checkPipeline,
  defineTool,
  pipelineSchema,
  toOtlp,
  type AgentEvent,
  type AgentRun,
  type AgentsApi,
  type AgentSpec,
  type AgentSpecInput,
  type AgentTool,
  type Decision,
  type FanOutSpec,
  type Interruption,
  type OtlpTraceExport,
  type Pipeline,
  type PipelineCheck,
  type PipelineInput,
  type PipelineNode,
  type PipelineProblem,
  type RunOptions,
  type RunRecord,
  type RunResult,
  type RunView,
  type SpanRecord,
  type ThreadItem,
  type ThreadItemRecord,
  type ThreadRecord,
  type ToolContext,
  type ToolInfo,
} from '../agent/index.ts';
