import type { ChatMessage, ToolCall, Usage } from '../engines/llm/contract.ts';

/** How a tool call ended, as the model is told and the UI shows. */
export type ToolCallStatus =
  | 'ok'
  /** The tool threw; the model reads the error. */
  | 'error'
  /** Its arguments did not fit the parameters (or were not JSON); the model reads why. */
  | 'invalid_arguments'
  /** No such tool for this agent. */
  | 'unknown_tool'
  | 'timeout'
  /** The user said no. */
  | 'rejected'
  /** The run was stopped while it ran. */
  | 'aborted'
  /** The page went away while it ran, and the user chose not to run it again. */
  | 'interrupted';

/**
 * A thread is an append-only log. The prompt an agent reads is this log after the pipeline's
 * preamble, so each model turn's prompt starts with the previous one: the engine's KV cache serves
 * it, across tool turns and handoffs alike.
 */
export type ThreadItem =
  | { type: 'user'; text: string }
  /** An agent's own instructions, written when it takes over (at the start, or after a handoff). */
  | { type: 'instructions'; agent: string; text: string }
  | {
      type: 'assistant';
      agent: string;
      text: string | null;
      toolCalls: ToolCall[];
      /** Absent on the steps the runtime writes itself (a fan-out's calls to its branches). */
      usage?: Usage;
      adapter?: string;
    }
  | {
      type: 'tool_result';
      agent: string;
      callId: string;
      tool: string;
      /** What the model reads: capped at the run's byte limit. */
      output: string;
      status: ToolCallStatus;
      /** The whole result was longer than the cap: `agents.runs.toolResult(runId, callId)` has it. */
      truncated: boolean;
      bytes: number;
    };

export interface ThreadItemRecord {
  threadId: string;
  /** Position in the thread, from 0. */
  seq: number;
  runId: string;
  at: number;
  item: ThreadItem;
}

export interface ThreadRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Items in the thread (the next item's seq). */
  items: number;
  /** Set on the private thread of an agent called as a tool (or a fan-out branch). */
  parentRunId?: string;
}

/** The chat messages a thread stands for, after the preamble. */
export function toMessages(items: readonly ThreadItem[]): ChatMessage[] {
  return items.map((item): ChatMessage => {
    switch (item.type) {
      case 'user':
        return { role: 'user', content: item.text };
      case 'instructions':
        return { role: 'system', content: item.text };
      case 'assistant':
        return item.toolCalls.length
          ? { role: 'assistant', content: item.text, tool_calls: item.toolCalls }
          : { role: 'assistant', content: item.text ?? '' };
      case 'tool_result':
        return { role: 'tool', tool_call_id: item.callId, content: item.output };
    }
  });
}
