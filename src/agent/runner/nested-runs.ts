/**
 * Runs inside a run: an agent asked as a tool (a nested run on its own thread, whose answer is the call's
 * result) and a fan-out (its branches asked in parallel as agent calls the runtime makes).
 */
import { isHearthError, toHearthError } from '../../core/errors.ts';
import type { ToolCall } from '../../engines/llm/contract.ts';
import type { ThreadItem, ToolCallStatus } from '../items.ts';
import { agentToolName, type FanOutSpec } from '../pipeline/schema.ts';
import type { CallRecord } from '../run-record.ts';
import type { SpanRecord } from '../trace/span.ts';
import { shapeToolResult } from '../tools/tool-result.ts';
import { settle } from './call-result.ts';
import { newRunRecord } from './new-run.ts';
import type { NestedRun, RunContext } from './run-context.ts';

/** A fan-out asks each branch in parallel (as agent calls the runtime makes), then its merge agent takes over. */
export async function startFanOut(ctx: RunContext, node: FanOutSpec): Promise<void> {
  const toolCalls: ToolCall[] = node.branches.map((branch, i) => ({
    id: `${node.name}_${i}_${crypto.randomUUID().slice(0, 8)}`,
    type: 'function',
    function: { name: agentToolName(branch), arguments: JSON.stringify({ input: ctx.run.input }) },
  }));
  const assistant: ThreadItem = { type: 'assistant', agent: node.name, text: null, toolCalls };
  ctx.items.push(assistant);
  ctx.run.step = {
    agent: node.name,
    next: node.merge,
    calls: toolCalls.map((call) => ({
      callId: call.id,
      tool: call.function.name,
      arguments: call.function.arguments,
      kind: 'agent' as const,
      state: 'queued' as const,
    })),
  };
  await ctx.commit({ append: ctx.append([assistant]) });
}

/** An agent called as a tool: a nested run on its own thread, whose answer is the result. */
export async function askAgent(
  ctx: RunContext,
  agent: string,
  call: CallRecord,
  target: string,
  last: () => boolean,
): Promise<void> {
  const { run, trace } = ctx;
  let child: NestedRun;
  let span: SpanRecord | undefined;
  const started = performance.now();
  const resumed = call.childRunId !== undefined;
  if (!call.childRunId) {
    if (run.depth + 1 > run.limits.maxDepth) {
      settle(
        call,
        'error',
        `${target} cannot be asked: agents are already nested ${run.depth} deep (limits.maxDepth).`,
      );
      return;
    }
    const input = (JSON.parse(call.arguments) as { input: string }).input;
    span = trace.start(`invoke_agent ${target}`, 'tool', run.agentSpanId, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': target,
      'gen_ai.tool.name': call.tool,
      'gen_ai.tool.call.id': call.callId,
      'gen_ai.tool.call.arguments': call.arguments,
    });
    const record = newRunRecord({
      pipeline: run.pipeline,
      threadId: crypto.randomUUID(),
      input,
      agent: target,
      limits: run.limits,
      parent: {
        runId: run.id,
        callId: call.callId,
        rootRunId: run.rootRunId,
        traceId: run.traceId,
        depth: run.depth,
      },
    });
    call.childRunId = record.id;
    call.spanId = span.spanId;
    call.state = 'running';
    ctx.emit({
      type: 'tool_call_started',
      agent,
      callId: call.callId,
      tool: call.tool,
      arguments: { input },
    });
    // The parent's record names the child in the same write that creates the child.
    run.updatedAt = Date.now();
    child = await ctx.nested.start(
      record,
      { title: `${target}: ${input.slice(0, 60)}`, parentRunId: run.id },
      span.spanId,
      [run],
    );
  } else {
    child = await ctx.nested.open(call.childRunId);
    span = call.spanId ? ctx.deps.storedSpans.get(call.spanId) : undefined;
  }
  let status: ToolCallStatus = 'ok';
  let output: string;
  try {
    const finished = await child.execute(resumed);
    if (finished.status === 'paused') {
      ctx.waitingOnChild.add(call.callId);
      ctx.childInterruptions.push(...child.interruptions());
      return;
    }
    output = finished.output ?? '';
  } catch (error) {
    if (isHearthError(error, 'ABORTED')) {
      if (span) trace.end(span, error);
      throw error;
    }
    status = 'error';
    output = `${target} failed: ${toHearthError(error).message}`;
  }
  const shaped = shapeToolResult(output, run.limits.maxResultBytes);
  if (shaped.full !== undefined)
    ctx.pendingResults.push({ runId: run.id, callId: call.callId, text: shaped.full });
  settle(call, status, shaped.output, shaped);
  run.usage.tool_calls++;
  const childUsage = child.record.usage;
  for (const key of [
    'prompt_tokens',
    'completion_tokens',
    'total_tokens',
    'cached_prompt_tokens',
    'model_calls',
    'tool_calls',
  ] as const)
    run.usage[key] += childUsage[key];
  if (span) {
    trace.end(span, status === 'ok' ? undefined : output, {
      'gen_ai.tool.call.result': shaped.output,
      'hearth.tool.status': status,
    });
  }
  ctx.emitCallFinished(agent, call, performance.now() - started);
  if (!last() && !ctx.deferred.length) await ctx.commit({});
}
