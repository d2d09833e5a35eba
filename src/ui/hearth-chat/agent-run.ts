import type { AgentEvent, AgentsApi, Decision, Interruption, ToolCallStatus } from '../../runtime/index.ts';

/*
 * One answer of <hearth-chat> by its agent pipeline: a run of `hearth.agents`, paused as often as a
 * tool asks for approval and resumed with the visitor's decisions, until it answers. Fetched with the
 * first answer that has a pipeline, so a page without one never loads it.
 */

/** A tool call as the answer shows it, from the model's call to its end. */
export interface AgentToolCall {
  /** The model's id for the call. */
  id: string;
  tool: string;
  /** Its arguments: parsed once the loop has checked them, else the model's text. */
  arguments: unknown;
  /** `queued` and `running` while it is in flight, `awaiting` an approval, then how it ended. */
  status: 'queued' | 'running' | 'awaiting' | ToolCallStatus;
}

export interface AgentAnswerOptions {
  agents: AgentsApi;
  pipeline: unknown;
  input: string;
  /** The thread this conversation continues (none: a new one). */
  threadId: string | undefined;
  signal: AbortSignal;
  /** The thread the run writes to, as soon as it is known. */
  onThread(threadId: string): void;
  /** Text of the answering agents, as it streams. */
  onText(delta: string): void;
  /** The tool calls so far changed. */
  onToolCalls(calls: AgentToolCall[]): void;
  /** The run waits on the visitor: resolves with a decision for each interruption. */
  decide(interruptions: Interruption[], signal: AbortSignal): Promise<Decision[]>;
}

/** Runs the pipeline on `input` to its answer; rejects with the run's HearthError (ABORTED after a stop). */
export async function answerWithAgent(options: AgentAnswerOptions): Promise<{ output: string }> {
  const { agents, signal } = options;
  const calls = new Map<string, AgentToolCall>();
  let rootRunId: string | undefined;
  const changed = () => options.onToolCalls([...calls.values()]);
  const update = (id: string, tool: string, fields: Partial<AgentToolCall>) => {
    calls.set(id, { id, tool, arguments: undefined, status: 'queued', ...calls.get(id), ...fields });
    changed();
  };
  const onEvent = (event: AgentEvent) => {
    if (event.type === 'run_started' && !event.parentRunId) {
      rootRunId = event.runId;
      options.onThread(event.threadId);
    }
    // Nested runs (agents asked as tools) answer their caller, not the visitor: only their
    // approvals reach the answer, through the run's interruptions.
    if (event.runId !== rootRunId) return;
    switch (event.type) {
      case 'text_delta':
        options.onText(event.delta);
        break;
      case 'turn_finished':
        for (const call of event.toolCalls)
          update(call.callId, call.tool, { arguments: parseArguments(call.arguments) });
        break;
      case 'tool_call_started':
        update(event.callId, event.tool, { arguments: event.arguments, status: 'running' });
        break;
      case 'approval_requested':
        update(event.interruption.callId, event.interruption.tool, { status: 'awaiting' });
        break;
      case 'tool_call_finished':
        update(event.callId, event.tool, { status: event.status });
        break;
    }
  };

  let run = agents.run({
    pipeline: options.pipeline,
    input: options.input,
    signal,
    ...(options.threadId ? { threadId: options.threadId } : {}),
  });
  for (;;) {
    for await (const event of run) onEvent(event);
    const result = await run.result;
    if (result.status === 'completed') return { output: result.output };
    const decisions = await options.decide(result.interruptions, signal);
    for (const decision of decisions) {
      const asked = result.interruptions.find((i) => i.id === decision.interruptionId);
      if (asked && !decision.approve && calls.has(asked.callId))
        update(asked.callId, asked.tool, { status: 'rejected' });
    }
    run = agents.resume(result.runId, { decisions, signal });
  }
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
