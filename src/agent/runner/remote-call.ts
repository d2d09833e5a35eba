/**
 * The call to a remote agent (A2A) in a run's turn with it: sent once, its task id
 * written as soon as the agent names it (so a reload follows that task instead of sending again), its updates
 * reported as run events, its span in the trace, and a cancel at the agent when the run is stopped.
 */
import { abortError, toHearthError } from '../../core/errors.ts';
import { summarizeA2AEvent } from '../a2a/event-summary.ts';
import type { A2AEvent, A2AInput, A2AResult } from '../a2a/types.ts';
import { agentError } from '../errors.ts';
import type { AgentEvent } from '../events.ts';
import type { A2AAgentSpec } from '../pipeline/schema.ts';
import type { RemoteAgents } from '../remotes.ts';
import type { CallRecord, RunRecord } from '../run-record.ts';
import type { RunTrace, SpanRecord } from '../trace/span.ts';
import type { RemoteArguments } from './remote-turn.ts';

function inputOf(args: RemoteArguments): A2AInput {
  return {
    parts: [{ kind: 'text', text: args.message }],
    ...(args.task_id ? { taskId: args.task_id } : {}),
    ...(args.context_id ? { contextId: args.context_id } : {}),
  };
}

type EventBody =
  Extract<AgentEvent, { type: 'remote_update' }> extends infer E ? Omit<E, 'runId' | 'parentRunId'> : never;

export interface RemoteCallOptions {
  node: A2AAgentSpec;
  call: CallRecord;
  /** The call's span: opened now, or before the page reloaded. */
  span: SpanRecord;
  run: RunRecord;
  trace: RunTrace;
  remotes: RemoteAgents;
  /** The run's signal. */
  signal: AbortSignal;
  emit(event: EventBody): void;
  /** Writes the run's state (the task id, as soon as it is known). */
  commit(): Promise<void>;
}

/**
 * Sends the message (or, when the call already has a task, follows that task) to its end, and settles the
 * call with the agent's answer. Throws ABORTED when the run is stopped (the agent was asked to cancel),
 * AGENT_REMOTE_TIMEOUT past the timeout, or the bridge's error (A2A_TASK_FAILED, A2A_UNREACHABLE, …).
 */
export async function runRemoteCall(options: RemoteCallOptions): Promise<A2AResult> {
  const { node, call, span, trace } = options;
  const args = JSON.parse(call.arguments) as RemoteArguments;
  const following = call.remote?.taskId;
  const timeoutMs = node.timeoutMs ?? options.run.limits.toolTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let written: Promise<void> = Promise.resolve();
  let reconnects = 0;
  const onEvent = (event: A2AEvent) => {
    const remote = (call.remote ??= {});
    const taskId = 'taskId' in event ? event.taskId : undefined;
    if (taskId && remote.taskId === undefined) {
      remote.taskId = taskId;
      trace.set(span, { 'a2a.task_id': taskId });
      // From here on a reload follows this task: it is never sent twice.
      written = written.then(() => options.commit());
    }
    if (event.type === 'task') {
      remote.contextId ??= event.contextId;
      remote.state = event.state;
    }
    if (event.type === 'status') remote.state = event.state;
    if (event.type === 'reconnect') trace.set(span, { 'a2a.reconnects': ++reconnects });
    if (event.type === 'cancel') trace.set(span, { 'a2a.cancel_confirmed': event.confirmed });
    const { text, update } = summarizeA2AEvent(event);
    options.emit({ type: 'remote_update', agent: node.name, callId: call.callId, text, update });
  };
  try {
    const agent = await options.remotes.get(node.url, signal);
    trace.set(span, { 'a2a.agent': agent.card.name, 'url.full': agent.card.endpoint });
    const result = following
      ? await agent.resume(following, { signal, onEvent })
      : await agent.send(inputOf(args), { signal, onEvent });
    await written;
    call.remote = {
      ...call.remote,
      state: result.state,
      ...(result.taskId ? { taskId: result.taskId } : {}),
      ...(result.contextId ? { contextId: result.contextId } : {}),
    };
    trace.end(span, undefined, {
      'a2a.state': result.state,
      ...(result.contextId ? { 'a2a.context_id': result.contextId } : {}),
    });
    return result;
  } catch (thrown) {
    await written.catch(() => undefined);
    const error = options.signal.aborted
      ? abortError(options.signal.reason)
      : timeout.aborted
        ? agentError(
            'AGENT_REMOTE_TIMEOUT',
            `The remote agent ${node.name} did not finish within ${timeoutMs} ms; it was asked to cancel its task.`,
            { taskId: call.remote?.taskId },
          )
        : toHearthError(thrown);
    trace.end(span, error, call.remote?.state ? { 'a2a.state': call.remote.state } : {});
    throw error;
  }
}
