/**
 * One call of the step to its result: a local tool run here (executeTool) with its span, progress and
 * shaped result; an agent asked as a tool and a remote agent are handed to their own steps.
 */
import type { CallRecord } from '../run-record.ts';
import { shapeToolResult } from '../tools/tool-result.ts';
import { settle } from './call-result.ts';
import { executeTool } from './execute-tool.ts';
import { askAgent } from './nested-runs.ts';
import { callRemote } from './remote-step.ts';
import type { RunContext } from './run-context.ts';

/** Runs one call to its result. `last()` says whether it is the step's last call to settle. */
export async function executeCall(
  ctx: RunContext,
  agent: string,
  call: CallRecord,
  last: () => boolean,
): Promise<void> {
  const { run, trace } = ctx;
  if (call.kind === 'remote') return callRemote(ctx, call);
  const callable = ctx.toolbox.lookup(call.tool);
  if (!callable || callable.kind === 'handoff') {
    settle(call, 'unknown_tool', `There is no tool "${call.tool}".`);
    return;
  }
  if (callable.kind === 'agent') return askAgent(ctx, agent, call, callable.target, last);
  const parsed = callable.tool.parameters.parse(JSON.parse(call.arguments || '{}'));
  if (!parsed.success) {
    settle(call, 'invalid_arguments', `Invalid arguments for ${call.tool}: ${parsed.error}`);
    return;
  }
  const rerun = call.interrupted === true;
  // The span is written with the call's running state (at the latest here), so a crash mid-tool
  // leaves it in the trace.
  const fresh = ctx.liveSpans.get(call.spanId ?? '');
  const span = fresh && fresh.end === undefined ? fresh : ctx.startToolSpan(call, callable.tool);
  if (call.state === 'queued') {
    call.state = 'running';
    if (!ctx.deferred.length) await ctx.commit({});
  }
  ctx.emit({
    type: 'tool_call_started',
    agent,
    callId: call.callId,
    tool: call.tool,
    arguments: parsed.data,
    ...(rerun ? { rerun } : {}),
  });
  const started = performance.now();
  let outcome;
  try {
    outcome = await executeTool({
      tool: callable.tool,
      args: parsed.data,
      signal: ctx.deps.signal,
      timeoutMs: callable.tool.timeoutMs ?? run.limits.toolTimeoutMs,
      context: {
        runId: run.id,
        callId: call.callId,
        progress: (progress) =>
          ctx.emit({ type: 'tool_progress', agent, callId: call.callId, tool: call.tool, progress }),
        startSpan: (name, attributes, options) =>
          trace.toolSpan(name, span.spanId, attributes, options?.remote === true),
      },
    });
  } catch (error) {
    trace.end(span, error);
    throw error;
  }
  const shaped =
    outcome.status === 'ok'
      ? shapeToolResult(outcome.value, run.limits.maxResultBytes)
      : { output: outcome.message, truncated: false, bytes: outcome.message.length };
  if ('full' in shaped && shaped.full !== undefined)
    ctx.pendingResults.push({ runId: run.id, callId: call.callId, text: shaped.full });
  settle(call, outcome.status, shaped.output, shaped);
  run.usage.tool_calls++;
  trace.end(span, outcome.status === 'ok' ? undefined : shaped.output, {
    'gen_ai.tool.call.result': shaped.output,
    'hearth.tool.status': outcome.status,
    'hearth.tool.result_bytes': shaped.bytes,
    'hearth.tool.truncated': shaped.truncated,
  });
  ctx.emitCallFinished(agent, call, performance.now() - started);
  if (!last() && !ctx.deferred.length) await ctx.commit({});
}
