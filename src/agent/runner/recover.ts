/** A run picked up after the page that ran it went away mid-step. */
import type { Interruption } from '../run-record.ts';
import { interrupt } from './interrupt.ts';
import type { RunContext } from './run-context.ts';

/**
 * Calls that were running may or may not have finished: a tool declared idempotent runs again; any other
 * waits for the user to say whether to run it again. Nested runs recover themselves when their parent
 * picks them up. Returns the questions it asks the user.
 */
export function recover(ctx: RunContext): Interruption[] {
  const step = ctx.run.step;
  if (!step) return [];
  const fresh: Interruption[] = [];
  for (const call of step.calls) {
    if (call.state !== 'running') continue;
    if (call.kind === 'agent') {
      if (!call.childRunId) call.state = 'queued'; // its nested run never started
      continue;
    }
    if (call.kind === 'remote' && call.remote?.taskId) {
      // The agent named its task before the page went away: follow that task, send nothing again.
      call.state = 'queued';
      call.approved = true;
      continue;
    }
    call.interrupted = true;
    const span = ctx.spanById(call.spanId);
    if (span) ctx.trace.end(span, new Error('The page went away while the tool ran.'));
    const callable = call.kind === 'remote' ? undefined : ctx.toolbox.lookup(call.tool);
    if (callable?.kind === 'tool' && callable.tool.idempotent === true) {
      call.state = 'queued';
      call.approved = true;
    } else {
      let args: unknown = call.arguments;
      try {
        args = JSON.parse(call.arguments);
      } catch {
        // shown as the text the model sent
      }
      fresh.push(interrupt(ctx, call, step.agent, 'interrupted', args));
    }
  }
  return fresh;
}
