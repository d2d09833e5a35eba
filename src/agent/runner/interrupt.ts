/** A call that waits for the user: asked for approval, or to run again after the page went away. */
import type { CallRecord, Interruption } from '../run-record.ts';
import type { RunContext } from './run-context.ts';

/** Puts the call on hold and records the question (with its span, ended when the user answers). */
export function interrupt(
  ctx: RunContext,
  record: CallRecord,
  agent: string,
  kind: Interruption['kind'],
  args: unknown,
): Interruption {
  record.state = 'awaiting';
  delete record.approved;
  const span = ctx.trace.start(`approval ${record.tool}`, 'approval', ctx.run.agentSpanId, {
    'gen_ai.tool.name': record.tool,
    'gen_ai.tool.call.id': record.callId,
    'hearth.approval.kind': kind,
  });
  const interruption: Interruption = {
    id: crypto.randomUUID(),
    kind,
    runId: ctx.run.id,
    callId: record.callId,
    agent,
    tool: record.tool,
    arguments: args,
    requestedAt: Date.now(),
    spanId: span.spanId,
  };
  ctx.run.interruptions.push(interruption);
  return interruption;
}

/** What the model reads when the user said no (or chose not to run an interrupted call again). */
export function rejection(call: CallRecord): string {
  if (call.interrupted)
    return `${call.tool} was interrupted (the page closed while it ran) and the user chose not to run it again.`;
  return `The user did not allow this call to ${call.tool}${call.reason ? `: ${call.reason}` : '.'}`;
}
