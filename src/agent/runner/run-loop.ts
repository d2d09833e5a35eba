import { throwIfAborted } from '../../core/errors.ts';
import { agentError } from '../errors.ts';
import type { ThreadItem } from '../items.ts';
import { isA2AAgent, isFanOut } from '../pipeline/schema.ts';
import type { Interruption, RunRecord } from '../run-record.ts';
import { openingItems } from './new-run.ts';
import { startFanOut } from './nested-runs.ts';
import { recover } from './recover.ts';
import { startRemoteTurn } from './remote-step.ts';
import { RunContext, type LoopDeps, type NestedRuns } from './run-context.ts';
import { fail, pause } from './run-end.ts';
import { settleStep } from './settle-step.ts';
import { takeTurn } from './take-turn.ts';

export type { LoopDeps } from './run-context.ts';

/**
 * One run's loop: model turn → tool calls → results → model turn, until an answer, a pause for the
 * user, a limit, or an abort. The state is written after every step (one IndexedDB transaction
 * each), so the loop can be picked up from its record on another page load. Each step is a function
 * of its own file in this folder, working on the run's context (run-context.ts).
 */
export class RunLoop {
  private readonly ctx: RunContext;

  constructor(
    run: RunRecord,
    /** The thread as the model reads it (after the preamble). */
    items: ThreadItem[],
    deps: LoopDeps,
  ) {
    // Agents asked as tools run as loops of their own, started or reopened through this.
    const nested: NestedRuns = {
      start: (record, thread, parentSpanId, alsoWrite) =>
        RunLoop.start(record, [], deps, thread, parentSpanId, alsoWrite),
      open: (runId) => RunLoop.open(runId, deps),
    };
    this.ctx = new RunContext(run, items, deps, nested);
  }

  get record(): RunRecord {
    return this.ctx.run;
  }

  /** What this run and its nested runs wait on. */
  interruptions(): Interruption[] {
    return this.ctx.interruptions();
  }

  /** A new run: writes its record, its opening items and its first spans. */
  static async start(
    run: RunRecord,
    history: ThreadItem[],
    deps: LoopDeps,
    thread: { title: string; parentRunId?: string },
    parentSpanId?: string,
    /** Written in the same transaction (the parent naming its new child). */
    alsoWrite: RunRecord[] = [],
  ): Promise<RunLoop> {
    const loop = new RunLoop(run, [...history], deps);
    const { ctx } = loop;
    const opening = openingItems(run, ctx.toolbox);
    ctx.items.push(...opening);
    const span = ctx.trace.start(`run ${run.pipeline.name}`, 'run', parentSpanId, {
      'hearth.run.id': run.id,
      'hearth.pipeline': run.pipeline.name,
      'hearth.input': run.input,
    });
    run.spanId = span.spanId;
    ctx.liveSpans.set(span.spanId, span);
    ctx.openAgentSpan(run.agent);
    await ctx.commit(
      { append: { thread: { id: run.threadId, ...thread }, runId: run.id, items: opening } },
      alsoWrite,
    );
    return loop;
  }

  /** A stored run, to continue. */
  static async open(runId: string, deps: LoopDeps): Promise<RunLoop> {
    const run = await deps.store.run(runId);
    if (!run) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
    const items = (await deps.store.items(run.threadId)).map((r) => r.item);
    return new RunLoop(run, items, deps);
  }

  /** Runs until the run completes (or pauses); throws, after recording it, when it fails or is aborted. */
  async execute(resumed = false): Promise<RunRecord> {
    const { ctx } = this;
    const { run } = ctx;
    ctx.emit({ type: 'run_started', threadId: run.threadId, agent: run.agent, resumed });
    try {
      if (resumed) {
        const crashed = run.status === 'running';
        const fresh = crashed ? recover(ctx) : [];
        run.status = 'running';
        await ctx.commit({});
        for (const interruption of fresh) ctx.emit({ type: 'approval_requested', interruption });
      }
      for (;;) {
        throwIfAborted(ctx.deps.signal);
        if (run.step) {
          if (await settleStep(ctx)) return await pause(ctx);
          if (run.status === 'completed') return run; // a remote agent answered
          continue;
        }
        const node = ctx.node(run.agent);
        if (isFanOut(node)) {
          await startFanOut(ctx, node);
          continue;
        }
        if (isA2AAgent(node)) {
          await startRemoteTurn(ctx, node);
          continue;
        }
        if (run.turns >= run.limits.maxTurns) {
          throw agentError(
            'AGENT_MAX_TURNS',
            `The run made ${run.turns} model calls (limits.maxTurns) without a final answer.`,
          );
        }
        if (await takeTurn(ctx, node)) return run;
      }
    } catch (error) {
      throw await fail(ctx, error);
    }
  }
}
