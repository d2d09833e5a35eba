import type { HearthErrorCode } from '../core/errors.ts';
import type { Usage } from '../engines/llm/contract.ts';
import type { ToolCallStatus } from './items.ts';
import type { Interruption, RunStatus, RunUsage } from './run-record.ts';
import type { ToolProgress } from './tool.ts';

/**
 * Everything a run reports, as one discriminated union: switch on `type`. Every event names its
 * `runId`; events of nested runs (agents called as tools, fan-out branches) come through their
 * root run's stream with their own `runId` and a `parentRunId`.
 */
export type AgentEvent = (
  | { type: 'run_started'; threadId: string; agent: string; resumed: boolean }
  | { type: 'text_delta'; agent: string; delta: string }
  | {
      type: 'tool_call_started';
      agent: string;
      callId: string;
      tool: string;
      arguments: unknown;
      /** After a crash, a call that is run again. */
      rerun?: boolean;
    }
  | { type: 'tool_progress'; agent: string; callId: string; tool: string; progress: ToolProgress }
  | {
      type: 'tool_call_finished';
      agent: string;
      callId: string;
      tool: string;
      status: ToolCallStatus;
      /** What the model reads (cut at the byte cap). */
      output: string;
      truncated: boolean;
      bytes: number;
      durationMs: number;
    }
  | { type: 'approval_requested'; interruption: Interruption }
  | { type: 'handoff'; from: string; to: string }
  | {
      type: 'turn_finished';
      agent: string;
      turn: number;
      text: string | null;
      toolCalls: Array<{ callId: string; tool: string; arguments: string }>;
      usage: Usage;
      adapter?: string;
    }
  | { type: 'error'; error: { code: HearthErrorCode; message: string } }
  | {
      type: 'run_finished';
      status: Exclude<RunStatus, 'running'>;
      agent: string;
      output?: string;
      interruptions: Interruption[];
      usage: RunUsage;
    }
) & { runId: string; parentRunId?: string };

export type AgentEventType = AgentEvent['type'];
