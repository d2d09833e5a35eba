import { HearthError } from '../core/errors.ts';

/** The codes of the agent runtime, each with what the user does about it. */
export const AGENT_ERROR_CODES = {
  AGENT_PIPELINE_INVALID:
    'The pipeline JSON does not have the expected shape: fix the fields the message names (see src/agent/README.md).',
  AGENT_UNKNOWN_AGENT:
    'The pipeline names an agent it does not define: add the agent, or fix the name in entry, handoffs, agentTools, branches or merge.',
  AGENT_TOOL_MISSING:
    'An agent names a tool that is not registered: register the tool (agents.tools.register) or remove it from the agent.',
  AGENT_PIPELINE_CYCLE:
    'Part of the pipeline can never finish (agents that must call a tool every turn hand off in a circle, or agents call each other as tools): let one of them answer, or break the circle.',
  AGENT_MAX_TURNS:
    'The run reached its turn limit before a final answer: raise limits.maxTurns, or give the agents clearer instructions.',
  AGENT_HANDOFF_LOOP:
    'The agents kept handing the conversation to each other without answering: raise limits.maxHandoffs or make one of them answer.',
  AGENT_ARGUMENTS_REJECTED:
    "The model kept sending arguments that do not fit a tool's parameters: simplify the tool's schema, or force valid calls with toolChoice (constrained decoding).",
  AGENT_RUN_NOT_FOUND:
    'No run or thread with that id is stored (it may have been deleted): list the runs again.',
  AGENT_RUN_LOCKED:
    'This run is being executed in another tab: continue it there, or close that tab and try again.',
  AGENT_RUN_NOT_RESUMABLE:
    'The run has already finished (completed, failed or stopped): start a new run on its thread instead.',
  AGENT_DECISION_INVALID:
    'The decision names no pending approval of this run: read the run’s interruptions again and answer one of them.',
  AGENT_STORE_FAILED:
    'The agent store in IndexedDB could not be written (storage full or blocked): free some space, then resume the run.',
} as const;

export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;

declare module '../core/errors.ts' {
  interface HearthErrorCodes extends Record<AgentErrorCode, true> {}
}

export function agentError(code: AgentErrorCode, message: string, details?: unknown): HearthError {
  return new HearthError(code, message, details === undefined ? undefined : { details });
}
