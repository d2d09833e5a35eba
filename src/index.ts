/**
 * Hearth's public API: the runtime facade, the creators behind it, the engine contracts and the
 * errors. Everything else in the package is internal and may change without notice.
 */
export {
  createChat,
  createEmbedder,
  createHearth,
  probeDeviceInWorker,
  RUNTIME_ERROR_CODES,
  startRag,
  type ChatApi,
  type ChatCompletions,
  type ChatHandle,
  type CreateChatOptions,
  type CreateEmbedderOptions,
  type EmbedderHandle,
  type EngineEndpoint,
  type EngineHost,
  type Handle,
  type Hearth,
  type HearthAdapterConfig,
  type HearthAgentsConfig,
  type HearthConfig,
  type HearthPart,
  type HearthProgress,
  type PersistenceReport,
  type RagHandle,
  type RagRemote,
  type RagStoreApi,
  type RuntimeErrorCode,
  type StartRagOptions,
} from './runtime/index.ts';

// Engine contracts: what every chat backend and embedder implements.
export type {
  AdapterApi,
  AdapterFiles,
  AdapterInfo,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatEngine,
  ChatMessage,
  EngineCapabilities,
  FinishReason,
  FunctionTool,
  ResponseFormat,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
  Usage,
} from './engines/llm/contract.ts';
export type { LlmLoadOptions } from './engines/llm/service.ts';
export type {
  Embedder,
  EmbedderInfo,
  EmbedKind,
  EmbedModelSource,
  EmbedOptions,
  EmbedServiceLoadOptions,
  TruncatedText,
} from './engines/embed/index.ts';

// RAG and adapter sync as the runtime hands them out, and the records their methods take and return.
export type {
  DocumentInput,
  RagApi,
  RagEvent,
  RagServiceOptions,
  SearchRequest,
  SearchResult,
} from './rag/index.ts';
export type {
  ChangeEvent,
  CollectionRecord,
  DocumentRecord,
  EmbeddingModelRef,
  IngestJobRecord,
  IngestJobInput,
  IngestJobState,
  IngestResult,
  PreparedChunk,
  PreparedDocument,
  QueuedDocument,
  SupportedMimeType,
} from './rag/index.ts';
export { RAG_ERROR_CODES } from './rag/index.ts';
export type { AdapterHost, SyncFailure } from './sync/index.ts';
export type { Appender, ByteStore, StoredEntry, StoreKey } from './models/index.ts';
export type { DevicePreference } from './engines/ort-setup/index.ts';
export type { DeviceReport, StorageReport, WebGpuReport } from './engines/device/report.ts';
export type { RemoteApi } from './core/rpc/index.ts';
export type { AdapterSync, AdapterSyncOptions, SyncErrorCode, SyncEvent, SyncReport } from './sync/index.ts';

// Agents: tools, pipelines, runs with their events, threads and traces (src/agent/README.md).
export {
  AGENT_ERROR_CODES,
  calculatorTool,
  checkPipeline,
  createAgents,
  currentTimeTool,
  defineTool,
  memoryLocks,
  pipelineSchema,
  searchDocumentsTool,
  toOtlp,
  zodParameters,
  type AgentErrorCode,
  type AgentEvent,
  type AgentEventType,
  type AgentModel,
  type AgentRun,
  type AgentsApi,
  type AgentsOptions,
  type AgentSpec,
  type AgentSpecInput,
  type AgentTool,
  type CallRecord,
  type Decision,
  type DefineToolOptions,
  type DocumentSearch,
  type FanOutSpec,
  type Interruption,
  type ModelSettings,
  type OtlpTraceExport,
  type Pipeline,
  type PipelineCheck,
  type PipelineInput,
  type PipelineNode,
  type PipelineProblem,
  type ResumeOptions,
  type RunLimits,
  type RunLocks,
  type RunOptions,
  type RunRecord,
  type RunResult,
  type RunStatus,
  type RunUsage,
  type RunView,
  type SpanKind,
  type SpanRecord,
  type ThreadItem,
  type ThreadItemRecord,
  type ThreadRecord,
  type ToolCallStatus,
  type ToolContext,
  type ToolInfo,
  type ToolParameters,
  type ToolProgress,
  type ToolSource,
  type ToolSpan,
} from './agent/index.ts';

// Errors and long operations.
export { HearthError, isHearthError, type HearthErrorCode, type HearthErrorShape } from './core/errors.ts';
export type { LongOperationOptions, Progress, ProgressListener } from './core/progress.ts';
