import type { HearthErrorCode } from '../core/errors.ts';
import type { ToolCallStatus } from './items.ts';
import type { Pipeline, RunLimits } from './pipeline/schema.ts';

export type RunStatus = 'running' | 'paused' | 'completed' | 'failed' | 'aborted';

/** Token counts over a run (its nested runs included). */
export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_prompt_tokens: number;
  model_calls: number;
  tool_calls: number;
}

export const emptyUsage = (): RunUsage => ({
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  cached_prompt_tokens: 0,
  model_calls: 0,
  tool_calls: 0,
});

/** What a model's call is: a tool, a handoff, or another agent asked as a tool. */
export type CallKind = 'tool' | 'handoff' | 'agent';

/**
 * One tool call of the step in progress. The step lives in the run record until all its calls are
 * settled, then its results join the thread at once: the thread never holds half a step.
 */
export interface CallRecord {
  callId: string;
  tool: string;
  /** The model's arguments text, as sent. */
  arguments: string;
  kind: CallKind;
  /**
   * queued: will run when a slot frees; running: started (after a crash, it may or may not have
   * finished); awaiting: waits for the user (approval, or a rerun after a crash); done: has a result.
   */
  state: 'queued' | 'running' | 'awaiting' | 'done';
  /** The user's answer: run it (or, after a crash, run it again), or not. */
  approved?: boolean;
  /** Why the user said no, told to the model. */
  reason?: string;
  /** It was running when the page went away. */
  interrupted?: boolean;
  /** The nested run that answers an agent call. */
  childRunId?: string;
  spanId?: string;
  result?: { output: string; status: ToolCallStatus; truncated: boolean; bytes: number };
}

/** A question the run waits on: run this call? (or, after a crash, run it again?) */
export interface Interruption {
  /** Answer with this id (`decide` or `resume`'s decisions). */
  id: string;
  kind: 'approval' | 'interrupted';
  /** The run that owns the call: the root run or one of its nested runs. */
  runId: string;
  callId: string;
  agent: string;
  tool: string;
  arguments: unknown;
  requestedAt: number;
  /** The approval span, ended when the user answers. */
  spanId: string;
}

export interface Step {
  agent: string;
  calls: CallRecord[];
  /** Who takes over once the step is settled: a handoff's target, or a fan-out's merge agent. */
  next?: string;
}

export interface RunRecord {
  id: string;
  threadId: string;
  /** The run the user started; nested runs (agents as tools, fan-out branches) share its lock and trace. */
  rootRunId: string;
  parent?: { runId: string; callId: string };
  depth: number;
  pipeline: Pipeline;
  input: string;
  /** The agent whose turn it is. */
  agent: string;
  status: RunStatus;
  /** Model calls made by this run. */
  turns: number;
  handoffs: number;
  /** The current agent already called a tool, so its forced tool choice went back to 'auto'. */
  toolChoiceReset: boolean;
  /** Calls in a row with unfit arguments, per tool. */
  invalidStreak: Record<string, number>;
  /** The tool calls of the latest model turn, until all are settled; null between steps. */
  step: Step | null;
  interruptions: Interruption[];
  usage: RunUsage;
  limits: RunLimits;
  output?: string;
  error?: { code: HearthErrorCode; message: string };
  traceId: string;
  /** The run's own span, parent of its agents' spans. */
  spanId: string;
  /** The current agent's span. */
  agentSpanId?: string;
  createdAt: number;
  updatedAt: number;
}
