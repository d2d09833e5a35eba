/** The agent runtime's public face: tools, pipelines, runs, threads and traces. */
export type { AgentTool, ToolContext, ToolParameters, ToolProgress, ToolSource, ToolSpan } from './tool.ts';
export { defineTool, zodParameters, type DefineToolOptions } from './tools/define-tool.ts';
export {
  DEFAULT_MAX_RESULT_BYTES,
  serializeToolResult,
  shapeToolResult,
  type ShapedResult,
} from './tools/tool-result.ts';
export {
  createAgents,
  type AgentsApi,
  type AgentsOptions,
  type Decision,
  type ResumeOptions,
  type RunOptions,
  type RunView,
  type ToolInfo,
} from './agents.ts';
export type { AgentRun, RunResult } from './run-handle.ts';
export type { AgentEvent, AgentEventType } from './events.ts';
export type { ThreadItem, ThreadItemRecord, ThreadRecord, ToolCallStatus } from './items.ts';
export type { CallRecord, Interruption, RunRecord, RunStatus, RunUsage, Step } from './run-record.ts';
export {
  agentSpecSchema,
  agentToolName,
  DEFAULT_LIMITS,
  DEFAULT_PREAMBLE,
  fanOutSpecSchema,
  handoffToolName,
  pipelineSchema,
  type AgentSpec,
  type AgentSpecInput,
  type FanOutSpec,
  type ModelSettings,
  type Pipeline,
  type PipelineInput,
  type PipelineNode,
  type RunLimits,
} from './pipeline/schema.ts';
export { checkPipeline, type PipelineCheck, type PipelineProblem } from './pipeline/check.ts';
export type { AgentModel } from './runner/model-turn.ts';
export { memoryLocks, webLocks, type RunLocks } from './run-lock.ts';
export type { SpanKind, SpanRecord } from './trace/span.ts';
export { toOtlp, type OtlpKeyValue, type OtlpSpan, type OtlpTraceExport } from './trace/otlp.ts';
export {
  calculatorTool,
  currentTimeTool,
  searchDocumentsTool,
  type DocumentSearch,
} from './builtin/tools.ts';
export { evaluateExpression, ExpressionError } from './builtin/expression.ts';
export { AGENT_ERROR_CODES, type AgentErrorCode } from './errors.ts';
export * from './a2a/index.ts';
// MCP servers' tools as agent tools, and the servers a person keeps (src/agent/mcp/README.md).
export * from './mcp/index.ts';
