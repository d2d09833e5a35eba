/**
 * The model's tool calls as the run's next step: each call answered at once (unknown tool, arguments that do
 * not fit, a handoff), queued to run, or waiting for the user's approval.
 */
import type { ToolCall } from '../../engines/llm/contract.ts';
import type { AgentSpec } from '../pipeline/schema.ts';
import type { CallRecord, Interruption, Step } from '../run-record.ts';
import type { AgentTool } from '../tool.ts';
import { settle } from './call-result.ts';
import { interrupt } from './interrupt.ts';
import type { RunContext } from './run-context.ts';
import type { Callable } from './toolbox.ts';

/** Turns the model's calls into the step's records; returns the questions it asks the user. */
export async function buildStep(
  ctx: RunContext,
  agent: AgentSpec,
  toolCalls: ToolCall[],
): Promise<Interruption[]> {
  const callable = ctx.toolbox.callable(agent.name);
  const step: Step = { agent: agent.name, calls: [] };
  const fresh: Interruption[] = [];
  const streak = ctx.run.invalidStreak;
  for (const call of toolCalls) {
    const name = call.function.name;
    const record: CallRecord = {
      callId: call.id,
      tool: name,
      arguments: call.function.arguments,
      kind: 'tool',
      state: 'queued',
    };
    step.calls.push(record);
    const found = callable.get(name);
    if (!found) {
      streak[name] = (streak[name] ?? 0) + 1;
      settle(
        record,
        'unknown_tool',
        `${agent.name} has no tool "${name}". Its tools: ${[...callable.keys()].join(', ')}.`,
      );
      continue;
    }
    record.kind = found.kind;
    const parsed = parseArguments(found, call.function.arguments);
    if (!parsed.success) {
      streak[name] = (streak[name] ?? 0) + 1;
      settle(
        record,
        'invalid_arguments',
        `Invalid arguments for ${name}: ${parsed.error}\nCall ${name} again with arguments that fit its parameters.`,
      );
      continue;
    }
    streak[name] = 0;
    if (found.kind === 'handoff') {
      if (step.next) {
        settle(
          record,
          'error',
          `Only one handoff per turn: the conversation already goes to ${step.next}; this one was ignored.`,
        );
      } else {
        step.next = found.target;
        settle(record, 'ok', `Transferred to ${found.target}.`);
      }
      continue;
    }
    if (found.kind === 'tool' && (await needsApproval(found.tool, parsed.data))) {
      fresh.push(interrupt(ctx, record, agent.name, 'approval', parsed.data));
    }
  }
  // Up to the concurrency cap, calls are marked running (with their spans) in the step's own
  // write: a crash from here on shows them as interrupted, and none is run twice by itself.
  let slots = ctx.run.limits.toolConcurrency;
  for (const record of step.calls) {
    if (record.state !== 'queued' || slots-- <= 0) continue;
    record.state = 'running';
    const found = callable.get(record.tool);
    if (found?.kind === 'tool') ctx.startToolSpan(record, found.tool);
  }
  ctx.run.step = step;
  return fresh;
}

/** Every call is answered already, or an idempotent tool that needs no approval. */
export function allRepeatable(ctx: RunContext, step: Step): boolean {
  return step.calls.every((call) => {
    if (call.state === 'done') return true;
    if (call.state === 'awaiting' || call.kind !== 'tool') return false;
    const callable = ctx.toolbox.lookup(call.tool);
    return callable?.kind === 'tool' && callable.tool.idempotent === true;
  });
}

function parseArguments(
  callable: Callable,
  text: string,
): { success: true; data: unknown } | { success: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return {
      success: false,
      error: `they are not valid JSON (${(error as Error).message}); send one JSON object.`,
    };
  }
  const parameters = callable.kind === 'tool' ? callable.tool.parameters : callable.parameters;
  return parameters.parse(value);
}

async function needsApproval(tool: AgentTool, args: unknown): Promise<boolean> {
  const rule = tool.needsApproval;
  if (typeof rule === 'function') return Boolean(await rule(args));
  return rule === true;
}
