/**
 * What the A2A bridge hands out: plain objects, no SDK classes, so they cross workers, go into IndexedDB and
 * reach the UI as they are. The SDK itself stays in a lazily loaded chunk (see remote-agent.ts).
 */
import type { ToolContext } from '../tool.ts';

/** A task's life as A2A 1.0 names it (0.3 agents are translated by the SDK). */
export type A2ATaskState =
  | 'submitted'
  | 'working'
  | 'input-required'
  | 'auth-required'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'rejected'
  | 'unknown';

/** A piece of a message or artifact. File bytes are plain `Uint8Array`s. */
export type A2APart =
  | { kind: 'text'; text: string }
  | { kind: 'file'; bytes: Uint8Array; name?: string; mediaType?: string }
  | { kind: 'file'; url: string; name?: string; mediaType?: string }
  | { kind: 'data'; data: unknown };

export interface A2AMessage {
  role: 'user' | 'agent';
  parts: A2APart[];
  messageId: string;
}

export interface A2AArtifact {
  id: string;
  name: string;
  description: string;
  parts: A2APart[];
}

/** What to send: plain text, or parts (files included), optionally continuing a task or a conversation. */
export type A2AInput =
  | string
  | {
      parts: A2APart[];
      /** Keeps the agent's conversation (from an earlier result's `contextId`). */
      contextId?: string;
      /** Answers a task that asked for input (`state: 'input-required'`). */
      taskId?: string;
    };

/** What happens during a call, in order; `send` and `resume` report each through `onEvent`. */
export type A2AEvent =
  | { type: 'task'; taskId: string; contextId: string; state: A2ATaskState }
  | { type: 'status'; taskId: string; state: A2ATaskState; text: string; message?: A2AMessage }
  | { type: 'artifact'; taskId: string; artifact: A2AArtifact; append: boolean; lastChunk: boolean }
  | { type: 'message'; message: A2AMessage }
  /** The stream broke (or fell silent) before the task ended; the bridge subscribes to the task again. */
  | { type: 'reconnect'; taskId: string; attempt: number; reason: string }
  /** The call was aborted and the bridge asked the agent to cancel the task; `confirmed` if it agreed. */
  | { type: 'cancel'; taskId: string; confirmed: boolean };

/** How a call ended when it did not fail: the task finished, needs an answer, or the agent replied directly. */
export interface A2AResult {
  state: 'completed' | 'input-required' | 'auth-required' | 'message';
  /** Absent when the agent answered with a message and made no task. */
  taskId?: string;
  contextId?: string;
  /** The text of every artifact, then of the agent's last status message (or its reply), blank-line separated. */
  text: string;
  /** The agent's reply (`state: 'message'`) or its last status message. */
  message?: A2AMessage;
  /** Every artifact, appended chunks joined. */
  artifacts: A2AArtifact[];
}

export interface A2ASkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples: string[];
}

/** The agent card as the UI shows it and the store keeps it (a summary of the SDK's card). */
export interface A2AAgentCard {
  name: string;
  description: string;
  version: string;
  /** The protocol of the interface the bridge talks to: '1.0', or '0.3' through the SDK's compatibility layer. */
  protocolVersion: string;
  /** JSON-RPC or HTTP+JSON. */
  binding: string;
  /** Where requests go. */
  endpoint: string;
  streaming: boolean;
  skills: A2ASkill[];
  inputModes: string[];
  outputModes: string[];
  provider?: { organization: string; url: string };
  documentationUrl?: string;
}

export interface A2AConnectOptions {
  signal?: AbortSignal;
  /**
   * Origins (`https://host:port`) the card may send requests to besides its own. A card whose endpoints point
   * elsewhere is refused (`A2A_CARD_REFUSED`) unless every such origin is listed here.
   */
  allowedOrigins?: readonly string[];
  /** Sent with every request (an `Authorization: Bearer …` header, say). */
  headers?: Readonly<Record<string, string>>;
  /**
   * Treats a stream that sends nothing for this long as dropped (it is then resubscribed). Unset, a silent
   * stream waits for the caller's signal (the tool's timeout).
   */
  idleTimeoutMs?: number;
  /** Resubscriptions (or polls that fail) per call before `A2A_STREAM_ENDED`; default 3. */
  maxReconnects?: number;
  /** Wait before the first resubscription; doubled each time (default 250 ms). */
  reconnectDelayMs?: number;
  /** For tests and proxies; the global `fetch` by default. */
  fetch?: typeof fetch;
}

export interface A2ASendOptions {
  /** Aborting cancels the remote task (when the agent has named one) and rejects with `ABORTED`. */
  signal?: AbortSignal;
  onEvent?: (event: A2AEvent) => void;
  /** Spans of the remote call go into the caller's trace (a tool passes `ToolContext.startSpan`). */
  startSpan?: ToolContext['startSpan'];
}

/**
 * A remote agent. `send` is all a pipeline needs to hand work over to it: it resolves with the final result,
 * reports progress through `onEvent`, and cancels the remote task when `signal` aborts.
 */
export interface A2AAgent {
  /** The address the card was fetched from (or will be, for an agent opened from the store). */
  readonly url: string;
  readonly card: A2AAgentCard;
  send(input: A2AInput, options?: A2ASendOptions): Promise<A2AResult>;
  /** Follows a task started earlier (after a page reload, say) to its end. */
  resume(taskId: string, options?: A2ASendOptions): Promise<A2AResult>;
  /** Asks the agent to cancel a task; true when it did. */
  cancel(taskId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
}
