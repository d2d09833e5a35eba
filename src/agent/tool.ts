/**
 * The one tool shape every agent uses: local tools (zod parameters), built-in tools, MCP server tools
 * and A2A agents alike. The loop validates arguments with `parameters.parse` before `execute`, applies
 * approvals, timeouts, abort and the big-result policy the same way whatever the tool's source.
 */

/** What the model sees of a tool's arguments, and how the loop checks what it sent. */
export interface ToolParameters<Args> {
  /** JSON Schema (draft 2020-12 subset an LLM grammar can follow) shown to the model. */
  readonly jsonSchema: Record<string, unknown>;
  /**
   * Checks the model's arguments. A failure's `error` goes back to the model as the tool's result,
   * so it should say what was wrong in words the model can act on.
   */
  parse(input: unknown): { success: true; data: Args } | { success: false; error: string };
}

/** Progress a long tool reports (MCP progress notifications, A2A status updates); reaches the run's events. */
export interface ToolProgress {
  message?: string;
  loaded?: number;
  total?: number;
  /** Anything structured the source sent with it (an A2A status or artifact, say). */
  data?: unknown;
}

/** A span a tool opens inside the run's trace (a remote call, say). */
export interface ToolSpan {
  setAttributes(attributes: Record<string, string | number | boolean>): void;
  /** Ends the span; an error marks it failed. Ending twice does nothing. */
  end(error?: unknown): void;
}

export interface ToolContext {
  /** Aborted when the run is aborted or the tool's timeout passes: stop work and settle soon. */
  readonly signal: AbortSignal;
  readonly runId: string;
  /** The model's id for this call (`tool_calls[i].id`). */
  readonly callId: string;
  /** Reports progress; the run turns it into a `tool_progress` event. */
  progress(update: ToolProgress): void;
  /** Opens a child span of this tool call's span in the run's trace. */
  startSpan(
    name: string,
    attributes?: Record<string, string | number | boolean>,
    options?: ToolSpanOptions,
  ): ToolSpan;
}

export interface ToolSpanOptions {
  /** The span stands for a request to another service (an MCP server, an A2A agent): an OTLP client span. */
  remote?: boolean;
}

/** Where a tool comes from: shown in the UI and the trace. */
export type ToolSource =
  { kind: 'local' } | { kind: 'builtin' } | { kind: 'mcp'; server: string } | { kind: 'a2a'; agent: string };

export interface AgentTool<Args = unknown> {
  /** Unique within an agent: `[A-Za-z0-9_-]{1,64}`; remote tools are namespaced by their server. */
  readonly name: string;
  readonly description: string;
  readonly parameters: ToolParameters<Args>;
  /**
   * Runs the tool. The result may be anything: a string is passed as is, anything else as JSON
   * (what JSON cannot hold is stringified); past the run's byte cap it is truncated with a note and
   * the full result is kept for the UI.
   */
  execute(args: Args, context: ToolContext): Promise<unknown>;
  /** Ask the user before running (per call when a function). Default false. */
  readonly needsApproval?: boolean | ((args: Args) => boolean | Promise<boolean>);
  /** Safe to run again after a crash interrupted it; otherwise the run asks the user first. */
  readonly idempotent?: boolean;
  /** Per-call timeout; the run's default applies when absent. */
  readonly timeoutMs?: number;
  readonly source?: ToolSource;
}
