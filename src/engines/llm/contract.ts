import type { LongOperationOptions } from '../../core/progress.ts';
import type { AdapterInfo } from '../lora/index.ts';
import type { AdapterFiles } from '../../core/adapter-files.ts';

/* OpenAI chat-completions shapes, so code written for OpenAI's client reads the same here. */

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string; name?: string }
  | { role: 'user'; content: string; name?: string }
  | { role: 'assistant'; content: string | null; name?: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string; name?: string };

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

export interface ChatCompletionRequest {
  messages: ChatMessage[];
  model?: string;
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  repetition_penalty?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  seed?: number;
  stop?: string | string[];
  /** Token id (as a string key, like OpenAI) -> bias added to its logit. */
  logit_bias?: Record<string, number>;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  /** Whether one turn may hold several calls (OpenAI's default: true). */
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  /** LoRA adapter as `name@version`; none means the base model. */
  adapter?: string;
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'abort';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens whose KV values came from the prefix cache instead of a prefill. */
  cached_prompt_tokens: number;
  /**
   * Messages left out from the front of the conversation (after a leading system message) so the
   * prompt fits the context: only with overflow 'truncate-oldest'. Absent where a backend never drops.
   */
  dropped_messages?: number;
  timings: { ttft_ms: number; prefill_tok_s: number; decode_tok_s: number; total_ms: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] };
    finish_reason: FinishReason;
  }>;
  usage: Usage;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: { role?: 'assistant'; content?: string; tool_calls?: ToolCallDelta[] };
    finish_reason: FinishReason | null;
  }>;
  /** Present on the last chunk only. */
  usage?: Usage;
}

export interface EngineCapabilities {
  backend: 'ort' | 'webllm';
  device: 'webgpu' | 'wasm';
  /** Why this device was chosen (for `auto`) or that it was requested. */
  deviceReason: string;
  /** WASM threads in use (WASM only). */
  threads?: number;
  modelId: string;
  dtype: string;
  contextLength: number;
  supportsTools: boolean;
  supportsAdapters: boolean;
  supportsGrammar: boolean;
  /** How the weights run and what they cost in memory (ORT backend). */
  weights?: WeightsReport;
}

/**
 * Which path runs the weights. `wasm-q4`: Hearth's own WASM decoder, 4-bit weights kept 4-bit and
 * multiplied by 8-bit activations (SIMD kernels); `ort-dequantized`: 4-bit weights expanded to fp32
 * at load for onnxruntime-web; `ort-nbits`: onnxruntime-web's own 4-bit MatMulNBits; `ort`: the
 * weights as stored (fp32, fp16), in onnxruntime-web.
 */
export interface WeightsReport {
  path: 'wasm-q4' | 'ort-dequantized' | 'ort-nbits' | 'ort';
  /** The WASM decoder's kernels: relaxed SIMD where the browser has it, else plain SIMD (identical results). */
  simd?: 'relaxed' | 'plain';
  /** Bytes the weights take in memory: the WASM decoder's heap, or the graph handed to onnxruntime-web. */
  residentBytes: number;
  /** Bytes of the weights in the model's files. */
  fileBytes: number;
  /** The most bytes the load held at once, files and heap (WASM decoder only). */
  peakLoadBytes?: number;
  /** Bytes the KV cache grows by per position (WASM decoder only). */
  kvBytesPerPosition?: number;
}

export interface LoadOptions extends LongOperationOptions {
  device?: 'webgpu' | 'wasm' | 'auto';
  dtype?: string;
  /** What to do when a prompt exceeds the context: refuse, or drop the oldest turns. */
  overflow?: 'error' | 'truncate-oldest';
}

/**
 * `chat.completions.create`, written once for every engine and client: `stream: true` gives an async
 * iterable of chunks, otherwise one ChatCompletion; a request whose `stream` is only known at run
 * time gets either.
 */
export interface ChatCompletionsCreate {
  (request: ChatCompletionRequest & { stream: true }): Promise<AsyncIterable<ChatCompletionChunk>>;
  (request: ChatCompletionRequest & { stream?: false }): Promise<ChatCompletion>;
  (request: ChatCompletionRequest): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
}

/**
 * One contract for every chat backend. A streaming request returns an async iterable of chunks;
 * otherwise the whole completion. Both stop on `signal` and free the engine for the next request.
 */
export interface ChatEngine {
  capabilities(): Promise<EngineCapabilities>;
  readonly create: ChatCompletionsCreate;
  unload(): Promise<void>;
  /** Present on backends that take LoRA adapters (`capabilities().supportsAdapters`). */
  readonly adapters?: AdapterApi;
}

/** LoRA adapters resident on an engine, named `name@version` (immutable) and chosen per request. */
export interface AdapterApi {
  load(ref: string, files: AdapterFiles): Promise<AdapterInfo>;
  unload(ref: string): Promise<boolean>;
  list(): Promise<AdapterInfo[]>;
}

export type { AdapterFiles, AdapterInfo };
