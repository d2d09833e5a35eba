import type { EngineCapabilities, HearthProgress } from '../../runtime/index.ts';
import type { AgentToolCall } from './agent-run.ts';

/** One message of the conversation, as `messages` and the `message` event give it. */
export interface HearthChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Answers only: how it ended (`abort` after stop(), `error` when it failed). */
  finish?: 'stop' | 'length' | 'tool_calls' | 'abort' | 'error';
  error?: { code: string; message: string };
  /** Answers from a collection: the passages it was given, numbered as it cites them. */
  sources?: Array<{ n: number; title: string; snippet: string }>;
  /** Answers of an `agent` pipeline: the tools it called, in order, and how each ended. */
  toolCalls?: AgentToolCall[];
  /** Answers of an `agent` pipeline: the agent thread of this conversation (`clear()` starts a new one). */
  threadId?: string;
}

/** The `ready` event: the model is loaded, and where and how it runs. */
export interface HearthChatReadyDetail {
  model: string;
  device: 'webgpu' | 'wasm';
  deviceReason: string;
  /** Whether the host page is cross-origin isolated (COOP/COEP): without it WASM runs on one thread. */
  crossOriginIsolated: boolean;
  /** WASM threads the engine runs (1 on a page that is not cross-origin isolated); absent on WebGPU. */
  wasmThreads?: number;
  /** In words, for a page to show or log. */
  note: string;
}

export interface HearthChatErrorDetail {
  code: string;
  message: string;
  /** A pipeline that cannot run: each problem with its JSON path (`agents[0].tools[1]`). */
  problems?: Array<{ code: string; path: string; message: string }>;
}

export type HearthChatProgressDetail = HearthProgress;

/** Writes a piece of the answer: streamed into the renderer as it comes. */
export type Write = (delta: string) => void;

export function readyDetail(capabilities: EngineCapabilities): HearthChatReadyDetail {
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = capabilities.device === 'wasm' ? (capabilities.threads ?? 1) : undefined;
  const note = isolated
    ? `${capabilities.modelId} runs on ${capabilities.device}${threads ? ` with ${threads} WASM threads` : ''}.`
    : `${capabilities.modelId} runs on ${capabilities.device}. This page is not cross-origin isolated, so WASM runs on one thread; a page sent with COOP and COEP headers gets threads.`;
  return {
    model: capabilities.modelId,
    device: capabilities.device,
    deviceReason: capabilities.deviceReason,
    crossOriginIsolated: isolated,
    ...(threads === undefined ? {} : { wasmThreads: threads }),
    note,
  };
}
