/**
 * The loop's turn with a remote agent (A2A) as a step: started (asking the user first when the pipeline
 * says so), its one call made (remote-call.ts), and completed with the agent's answer. The records it
 * works with are in remote-turn.ts.
 */
import { agentError } from '../errors.ts';
import { isA2AAgent, type A2AAgentSpec } from '../pipeline/schema.ts';
import type { CallRecord, Step } from '../run-record.ts';
import { settle } from './call-result.ts';
import { takeOver, throwIfHandoffLoop } from './handoff.ts';
import { interrupt } from './interrupt.ts';
import { runRemoteCall } from './remote-call.ts';
import { remoteAnswer, remoteArguments, remoteTurnCall, startRemoteSpan } from './remote-turn.ts';
import type { RunContext } from './run-context.ts';

/**
 * The conversation is with a remote agent: the run makes one call of its own, the message to the agent
 * (asking the user first when the pipeline says so). Its step holds the call's state until the agent answers.
 */
export async function startRemoteTurn(ctx: RunContext, node: A2AAgentSpec): Promise<void> {
  const args = remoteArguments(ctx.run, ctx.items, node);
  const call = remoteTurnCall(node, args);
  ctx.run.step = { agent: node.name, calls: [call] };
  if (node.needsApproval) {
    const interruption = interrupt(ctx, call, node.name, 'approval', args);
    await ctx.commit({});
    ctx.emit({ type: 'approval_requested', interruption });
  }
}

/** The call to the remote agent, written as running before anything goes out. */
export async function callRemote(ctx: RunContext, call: CallRecord): Promise<void> {
  const node = ctx.node(call.tool);
  if (!isA2AAgent(node)) {
    settle(call, 'unknown_tool', `${call.tool} is not a remote agent of this pipeline.`);
    return;
  }
  const stored = ctx.spanById(call.spanId);
  let span = stored && stored.end === undefined ? stored : undefined;
  if (!span) {
    span = startRemoteSpan(ctx.trace, ctx.run.agentSpanId, call, node);
    ctx.liveSpans.set(span.spanId, span);
  }
  if (call.remote?.taskId) ctx.trace.set(span, { 'hearth.remote.followed': true });
  call.state = 'running';
  // From here a crash leaves the call running with no task id: the user decides whether to send it again.
  await ctx.commit({});
  const result = await runRemoteCall({
    node,
    call,
    span,
    run: ctx.run,
    trace: ctx.trace,
    remotes: ctx.deps.remotes,
    signal: ctx.deps.signal,
    emit: (event) => ctx.emit(event),
    commit: () => ctx.commit({}),
  });
  settle(call, 'ok', result.text);
}

/**
 * The remote agent answered: its answer joins the thread (with its task and context, so the next handoff
 * to it continues there) and is the run's answer, or the conversation goes back to a local agent.
 */
export async function completeRemoteTurn(ctx: RunContext, step: Step, call: CallRecord): Promise<void> {
  const { run } = ctx;
  const node = ctx.node(step.agent);
  run.step = null;
  if (!isA2AAgent(node)) throw agentError('AGENT_REMOTE_NOT_SENT', `${step.agent} is not a remote agent.`);
  const { answer, handBack } = remoteAnswer(node, call);
  const appended = [answer, ...(handBack ? takeOver(ctx, node.name, handBack) : [])];
  ctx.items.push(...appended);
  if (!handBack) {
    run.output = answer.text;
    run.status = 'completed';
    ctx.endAgentSpan();
    ctx.endRunSpan();
  }
  await ctx.commit({ append: ctx.append(appended) });
  if (!handBack) return ctx.emitFinished();
  throwIfHandoffLoop(run);
}
