/** How a run stops short of an answer: paused for the user, or failed (an abort included). */
import { abortError, toHearthError } from '../../core/errors.ts';
import type { ThreadItem } from '../items.ts';
import type { RunRecord } from '../run-record.ts';
import { resultItems, settle } from './call-result.ts';
import { isRemoteStep } from './remote-turn.ts';
import type { RunContext } from './run-context.ts';

export async function pause(ctx: RunContext): Promise<RunRecord> {
  ctx.run.status = 'paused';
  await ctx.commit({});
  ctx.emitFinished();
  return ctx.run;
}

/**
 * Records a failure or an abort, and returns the error to throw; the thread gets a result for every open
 * call, so it stays whole.
 */
export async function fail(ctx: RunContext, thrown: unknown): Promise<unknown> {
  const { run } = ctx;
  const error = toHearthError(thrown);
  const aborted = error.code === 'ABORTED';
  const appended: ThreadItem[] = ctx.deferred.splice(0);
  const step = run.step;
  if (step) {
    for (const call of step.calls) {
      if (call.state === 'done') continue;
      settle(
        call,
        aborted ? 'aborted' : 'error',
        aborted
          ? 'The run was stopped before this call finished.'
          : `The run failed before this call finished: ${error.message}`,
      );
    }
    // A remote turn has no call in the thread to answer: nothing of it is written.
    if (!isRemoteStep(step)) appended.push(...resultItems(step));
    run.step = null;
  }
  for (const interruption of run.interruptions) {
    const span = ctx.deps.storedSpans.get(interruption.spanId);
    if (span) ctx.trace.end(span, error);
  }
  run.interruptions = [];
  run.status = aborted ? 'aborted' : 'failed';
  run.error = { code: error.code, message: error.message };
  ctx.endAgentSpan(error);
  ctx.endRunSpan(error);
  try {
    await ctx.commit(appended.length ? { append: ctx.append(appended) } : {});
  } catch {
    // The store itself failed: what was written before stays consistent; report the first error.
  }
  if (!aborted) ctx.emit({ type: 'error', error: { code: error.code, message: error.message } });
  ctx.emitFinished();
  return aborted ? abortError(ctx.deps.signal.reason ?? error.message) : error;
}
