/** The conversation passing from one agent to another: a handoff, a fan-out's merge, a remote agent handing back. */
import { agentError } from '../errors.ts';
import type { ThreadItem } from '../items.ts';
import { isFanOut } from '../pipeline/schema.ts';
import type { RunRecord } from '../run-record.ts';
import { instructionsItem } from './new-run.ts';
import type { RunContext } from './run-context.ts';

/** Another agent takes the conversation: its instructions follow the conversation so far. */
export function takeOver(ctx: RunContext, from: string, to: string): ThreadItem[] {
  const { run } = ctx;
  const isHandoff = !isFanOut(ctx.node(from));
  if (isHandoff) run.handoffs++;
  const span = ctx.trace.start(`handoff ${from} → ${to}`, 'handoff', run.agentSpanId, {
    'hearth.handoff.from': from,
    'hearth.handoff.to': to,
  });
  ctx.trace.end(span);
  ctx.endAgentSpan();
  run.agent = to;
  run.toolChoiceReset = false;
  ctx.openAgentSpan(to);
  ctx.emit({ type: 'handoff', from, to });
  return instructionsItem(run, to, ctx.toolbox);
}

/** Agents that keep handing the conversation on without answering stop the run (limits.maxHandoffs). */
export function throwIfHandoffLoop(run: RunRecord): void {
  if (run.handoffs > run.limits.maxHandoffs) {
    throw agentError(
      'AGENT_HANDOFF_LOOP',
      `The agents handed the conversation over ${run.handoffs} times (limits.maxHandoffs is ${run.limits.maxHandoffs}) without answering.`,
    );
  }
}
