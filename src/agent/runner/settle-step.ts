/**
 * The run's current step to its end: the user's answers applied, the runnable calls run (up to the
 * concurrency cap), and, once every call is settled, the results joined to the thread in one write.
 */
import { isHearthError } from '../../core/errors.ts';
import { agentError } from '../errors.ts';
import type { ThreadItem } from '../items.ts';
import type { Step } from '../run-record.ts';
import { resultItems, settle } from './call-result.ts';
import { executeCall } from './execute-call.ts';
import { takeOver, throwIfHandoffLoop } from './handoff.ts';
import { rejection } from './interrupt.ts';
import { completeRemoteTurn } from './remote-step.ts';
import { isRemoteStep } from './remote-turn.ts';
import type { RunContext } from './run-context.ts';
import { Semaphore } from './semaphore.ts';

/**
 * Runs what the step can run; true when it must wait for the user. When every call is settled the
 * results join the thread together, and a handoff (or a fan-out's merge) takes over.
 */
export async function settleStep(ctx: RunContext): Promise<boolean> {
  const step = ctx.run.step!;
  for (const call of step.calls) {
    if (call.state !== 'awaiting' || call.approved === undefined) continue;
    if (call.approved) call.state = 'queued';
    else settle(call, call.interrupted ? 'interrupted' : 'rejected', rejection(call));
  }
  const runnable = step.calls.filter((c) => c.state === 'queued' || c.state === 'running');
  if (runnable.length) {
    const semaphore = new Semaphore(ctx.run.limits.toolConcurrency);
    let unsettled = runnable.length;
    const outcomes = await Promise.allSettled(
      runnable.map(async (call) => {
        const release = await semaphore.acquire();
        try {
          await executeCall(ctx, step.agent, call, () => --unsettled === 0);
        } finally {
          release();
        }
      }),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) {
      const aborted = outcomes.find(
        (o): o is PromiseRejectedResult => o.status === 'rejected' && isHearthError(o.reason, 'ABORTED'),
      );
      throw (aborted ?? failure).reason;
    }
  }
  if (step.calls.some((c) => c.state !== 'done') || ctx.waitingOnChild.size) return true;
  await completeStep(ctx, step);
  return false;
}

/** The step's results join the thread in call order, in one write with the run's new state. */
async function completeStep(ctx: RunContext, step: Step): Promise<void> {
  const { run } = ctx;
  if (isRemoteStep(step)) return completeRemoteTurn(ctx, step, step.calls[0]!);
  const results = resultItems(step);
  run.step = null;
  const written = ctx.deferred.splice(0); // already in ctx.items
  const appended: ThreadItem[] = [...results];
  if (step.next) appended.push(...takeOver(ctx, step.agent, step.next));
  ctx.items.push(...appended);
  await ctx.commit({ append: ctx.append([...written, ...appended]) });
  if (step.next) throwIfHandoffLoop(run);
  const worst = Object.entries(run.invalidStreak).find(([, n]) => n >= run.limits.maxInvalidArguments);
  if (worst) {
    throw agentError(
      'AGENT_ARGUMENTS_REJECTED',
      `The model called "${worst[0]}" ${worst[1]} times in a row with arguments that do not fit (limits.maxInvalidArguments); the last error is in the thread.`,
    );
  }
}
