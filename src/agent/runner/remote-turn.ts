/**
 * The run's turn with a remote agent (A2A) as records: what the agent is sent, the one call the run makes
 * (the model did not make it), its span, and the agent's answer as a thread item with where the conversation
 * goes next. The call itself (sent once, followed after a reload, cancelled on abort) is in remote-call.ts.
 */
import { agentError } from '../errors.ts';
import type { ThreadItem } from '../items.ts';
import type { A2AAgentSpec } from '../pipeline/schema.ts';
import { agentAddress } from '../remotes.ts';
import type { CallRecord, RunRecord, Step } from '../run-record.ts';
import type { RunTrace, SpanRecord } from '../trace/span.ts';

/** The call's arguments as stored (and shown when it waits for approval): what goes to the agent. */
export interface RemoteArguments {
  message: string;
  /** Answers the question the agent asked on this thread (its task waits for input). */
  task_id?: string;
  /** Continues the agent's own conversation from earlier on this thread. */
  context_id?: string;
}

/**
 * What a remote agent is sent: the user's message (the run's input: for an agent asked as a tool, the
 * question it was asked), nothing else. The local agents' instructions, tool results and the user's
 * documents stay on this device; the remote agent has its own instructions, and keeps its own memory of
 * the conversation through the context id it gave the last time, which is sent along.
 */
export function remoteArguments(
  run: RunRecord,
  items: readonly ThreadItem[],
  node: A2AAgentSpec,
): RemoteArguments {
  const address = agentAddress(node.url);
  const args: RemoteArguments = { message: run.input };
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type !== 'assistant' || item.remote?.url !== address) continue;
    const waiting = item.remote.state === 'input-required' || item.remote.state === 'auth-required';
    if (waiting && item.remote.taskId) args.task_id = item.remote.taskId;
    if (item.remote.contextId) args.context_id = item.remote.contextId;
    break;
  }
  return args;
}

/** The run's own call to the remote agent, queued; its step holds it until the agent answers. */
export function remoteTurnCall(node: A2AAgentSpec, args: RemoteArguments): CallRecord {
  return {
    callId: `a2a_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`,
    tool: node.name,
    arguments: JSON.stringify(args),
    kind: 'remote',
    state: 'queued',
  };
}

/** The turn's step: one call of kind remote. */
export function isRemoteStep(step: Step): boolean {
  return step.calls.length === 1 && step.calls[0]!.kind === 'remote';
}

/** The call's span (exported as an OTLP client span), under the agent's span. */
export function startRemoteSpan(
  trace: RunTrace,
  parentSpanId: string | undefined,
  call: CallRecord,
  node: A2AAgentSpec,
): SpanRecord {
  const span = trace.start('a2a.call', 'remote', parentSpanId, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': node.name,
    'hearth.remote.address': agentAddress(node.url),
    'hearth.remote.call_id': call.callId,
    'gen_ai.tool.call.arguments': call.arguments,
  });
  call.spanId = span.spanId;
  return span;
}

/** An assistant item whose text is the remote agent's answer. */
type RemoteAnswer = Extract<ThreadItem, { type: 'assistant' }> & { text: string };

/**
 * The agent's answer as it joins the thread (with its task and context, so the next handoff to it continues
 * there), and the local agent it goes back to, if any. A question from the agent goes to the user, never to
 * a local agent. Throws AGENT_REMOTE_NOT_SENT when the call has no answer (the user chose not to send it).
 */
export function remoteAnswer(
  node: A2AAgentSpec,
  call: CallRecord,
): { answer: RemoteAnswer; handBack: string | undefined } {
  if (call.result?.status !== 'ok') {
    throw agentError('AGENT_REMOTE_NOT_SENT', call.result?.output ?? `Nothing was sent to ${node.name}.`);
  }
  const state = call.remote?.state ?? 'completed';
  const answer: RemoteAnswer = {
    type: 'assistant',
    agent: node.name,
    text: call.result.output,
    toolCalls: [],
    remote: {
      url: agentAddress(node.url),
      state,
      ...(call.remote?.taskId ? { taskId: call.remote.taskId } : {}),
      ...(call.remote?.contextId ? { contextId: call.remote.contextId } : {}),
    },
  };
  const handBack = state === 'completed' || state === 'message' ? node.handBack : undefined;
  return { answer, handBack };
}
