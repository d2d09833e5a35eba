import { HearthError, toHearthError } from '../core/errors.ts';
import type { AgentsApi, Decision } from './agents.ts';
import { agentError } from './errors.ts';
import type { AgentEvent } from './events.ts';
import type { ThreadItemRecord } from './items.ts';
import type { Pipeline, RunLimits } from './pipeline/schema.ts';
import type { EventChannel, RunResult } from './run-handle.ts';
import { defaultLocks, runLockName, type RunLocks } from './run-lock.ts';
import type { Interruption, RunRecord } from './run-record.ts';
import type { AgentModel } from './runner/model-turn.ts';
import { newRunRecord } from './runner/new-run.ts';
import { RunLoop, type LoopDeps } from './runner/run-loop.ts';
import { AgentStore } from './store/agent-store.ts';
import { toOtlp } from './trace/otlp.ts';
import { nowMs, type SpanRecord } from './trace/span.ts';
import type { AgentTool } from './tool.ts';

/*
 * What `createAgents` loads on first use (agents.ts): the IndexedDB store, the run loop, the runs'
 * locks and the queries over stored threads, runs and traces. A page that never runs an agent never
 * fetches this code; one that does pays for it once, on its first run or query.
 */

export interface AgentRunsOptions {
  databaseName: string;
  locks?: RunLocks;
  model: AgentModel;
  /** The tools registered with createAgents (the live map: tools registered later are seen). */
  registry: ReadonlyMap<string, AgentTool>;
  limits?: Partial<RunLimits>;
  promptTools?: 'pipeline' | 'agent';
}

/** Where a run's events go and what stops it (the handle createAgents gave out). */
export interface RunChannel {
  channel: EventChannel;
  signal: AbortSignal;
}

export interface StartRun {
  pipeline: Pipeline;
  input: string;
  threadId?: string;
  limits?: Partial<RunLimits>;
}

export interface AgentRuns extends Pick<AgentsApi, 'decide' | 'threads' | 'runs' | 'traces'> {
  /** Writes a new run of `pipeline` (checked already) and executes it. */
  run(runId: string, start: StartRun, to: RunChannel): Promise<RunResult>;
  /** Continues a stored run, the user's decisions applied first. */
  resume(runId: string, decisions: Decision[] | undefined, to: RunChannel): Promise<RunResult>;
  dispose(): void;
}

export function openAgentRuns(options: AgentRunsOptions): AgentRuns {
  const store = new AgentStore(options.databaseName);
  const locks = options.locks ?? defaultLocks();

  /** Runs `body` under the run's lock, its events into the channel, which it closes at the end. */
  const execute = async (
    runId: string,
    { channel, signal }: RunChannel,
    body: (deps: LoopDeps) => Promise<RunRecord>,
  ): Promise<RunResult> => {
    try {
      const rootRunId = (await store.run(runId))?.rootRunId ?? runId;
      const release = await locks.tryAcquire(runLockName(rootRunId));
      if (!release) {
        throw agentError(
          'AGENT_RUN_LOCKED',
          'This run is being executed in another tab (it holds the run’s lock).',
        );
      }
      try {
        const deps: LoopDeps = {
          store,
          model: options.model,
          registry: options.registry,
          emit: (event: AgentEvent) => channel.push(event),
          signal,
          storedSpans: new Map(),
          ...(options.promptTools ? { promptTools: options.promptTools } : {}),
        };
        const finished = await body(deps);
        return resultOf(finished, await treeInterruptions(store, finished));
      } finally {
        release();
      }
    } catch (error) {
      const failure = toHearthError(error);
      // Failures inside the loop were reported as events already; these come from before it ran.
      if (!(error instanceof HearthError && reported.has(error))) {
        channel.push({ type: 'error', runId, error: { code: failure.code, message: failure.message } });
      }
      throw failure;
    } finally {
      channel.close();
    }
  };
  const reported = new WeakSet<HearthError>();
  const track = async (loop: Promise<RunRecord>) => {
    try {
      return await loop;
    } catch (error) {
      if (error instanceof HearthError) reported.add(error);
      throw error;
    }
  };

  return {
    run(runId, start, to) {
      return execute(runId, to, async (deps) => {
        let history: ThreadItemRecord[] = [];
        let title = start.input.slice(0, 80);
        if (start.threadId) {
          const thread = await store.thread(start.threadId);
          if (!thread)
            throw agentError('AGENT_RUN_NOT_FOUND', `No thread with id "${start.threadId}" is stored.`);
          history = await store.items(thread.id);
          title = thread.title;
        }
        const record = newRunRecord({
          id: runId,
          pipeline: start.pipeline,
          threadId: start.threadId ?? crypto.randomUUID(),
          input: start.input,
          agent: start.pipeline.entry,
          limits: { ...options.limits, ...start.pipeline.limits, ...start.limits },
        });
        const loop = await RunLoop.start(
          record,
          history.map((h) => h.item),
          deps,
          { title },
        );
        return track(loop.execute());
      });
    },

    resume(runId, decisions, to) {
      return execute(runId, to, async (deps) => {
        const root = await store.run(runId);
        if (!root) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
        if (root.parent)
          throw agentError(
            'AGENT_RUN_NOT_FOUND',
            `Run "${runId}" is nested: resume its root run "${root.rootRunId}".`,
          );
        if (root.status !== 'paused' && root.status !== 'running') {
          throw agentError(
            'AGENT_RUN_NOT_RESUMABLE',
            `Run "${runId}" has ${root.status}; start a new run on its thread.`,
          );
        }
        for (const span of await store.spans(root.rootRunId)) deps.storedSpans.set(span.spanId, span);
        if (decisions?.length) await applyDecisions(store, root.rootRunId, decisions, deps.storedSpans);
        const loop = await RunLoop.open(runId, deps);
        return track(loop.execute(true));
      });
    },

    async decide(runId, decisions) {
      const root = await store.run(runId);
      if (!root) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
      const release = await locks.tryAcquire(runLockName(root.rootRunId));
      if (!release) throw agentError('AGENT_RUN_LOCKED', 'This run is being executed in another tab.');
      try {
        const spans = new Map((await store.spans(root.rootRunId)).map((s) => [s.spanId, s]));
        await applyDecisions(store, root.rootRunId, decisions, spans);
      } finally {
        release();
      }
    },

    threads: {
      list: () => store.threads(),
      async get(threadId) {
        const thread = await store.thread(threadId);
        if (!thread) throw agentError('AGENT_RUN_NOT_FOUND', `No thread with id "${threadId}" is stored.`);
        const [items, runs] = await Promise.all([store.items(threadId), store.runsOfThread(threadId)]);
        return { thread, items, runs: runs.sort((a, b) => a.createdAt - b.createdAt) };
      },
      delete: (threadId) => store.deleteThread(threadId),
    },

    runs: {
      list: () => store.rootRuns(),
      async get(runId) {
        const run = await store.run(runId);
        if (!run) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
        const tree = await store.runsOfRoot(run.rootRunId);
        const live = (await locks.held()).has(runLockName(run.rootRunId));
        const children = tree.filter((r) => r.id !== run.id && isBelow(r, run.id, tree));
        return {
          run,
          interruptions: [run, ...children].flatMap((r) => (r.status === 'paused' ? r.interruptions : [])),
          live,
          interrupted: !live && run.status === 'running',
          children,
        };
      },
      async toolResult(runId, callId) {
        const full = await store.result(runId, callId);
        if (full !== undefined) return full;
        const run = await store.run(runId);
        const inStep = run?.step?.calls.find((c) => c.callId === callId)?.result?.output;
        if (inStep !== undefined || !run) return inStep;
        const items = await store.items(run.threadId);
        const item = items.find(
          (r) => r.item.type === 'tool_result' && r.item.callId === callId && r.runId === runId,
        );
        return item?.item.type === 'tool_result' ? item.item.output : undefined;
      },
    },

    traces: {
      async spans(runId) {
        const run = await store.run(runId);
        if (!run) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
        return (await store.spans(run.rootRunId)).sort((a, b) => a.start - b.start);
      },
      async exportOtlp(runId) {
        const run = await store.run(runId);
        if (!run) throw agentError('AGENT_RUN_NOT_FOUND', `No run with id "${runId}" is stored.`);
        return toOtlp(await store.spans(run.rootRunId));
      },
    },

    dispose: () => store.close(),
  };
}

function resultOf(run: RunRecord, interruptions: Interruption[]): RunResult {
  const base = { runId: run.id, threadId: run.threadId, agent: run.agent, usage: run.usage };
  return run.status === 'paused'
    ? { ...base, status: 'paused', interruptions }
    : { ...base, status: 'completed', output: run.output ?? '' };
}

async function treeInterruptions(store: AgentStore, root: RunRecord): Promise<Interruption[]> {
  if (root.status !== 'paused') return [];
  const tree = await store.runsOfRoot(root.rootRunId);
  return tree.filter((r) => r.status === 'paused').flatMap((r) => r.interruptions);
}

function isBelow(run: RunRecord, ancestor: string, tree: RunRecord[]): boolean {
  const byId = new Map(tree.map((r) => [r.id, r]));
  for (let at = run.parent?.runId, hops = 0; at && hops < 64; at = byId.get(at)?.parent?.runId, hops++)
    if (at === ancestor) return true;
  return false;
}

/** Writes the user's answers into the calls they concern, and ends each approval's span. */
async function applyDecisions(
  store: AgentStore,
  rootRunId: string,
  decisions: Decision[],
  spans: Map<string, SpanRecord>,
): Promise<void> {
  const tree = await store.runsOfRoot(rootRunId);
  const changed = new Map<string, RunRecord>();
  const endedSpans: SpanRecord[] = [];
  for (const decision of decisions) {
    const owner = tree.find((r) => r.interruptions.some((i) => i.id === decision.interruptionId));
    const interruption = owner?.interruptions.find((i) => i.id === decision.interruptionId);
    const call = owner?.step?.calls.find((c) => c.callId === interruption?.callId);
    if (!owner || !interruption || !call) {
      throw agentError(
        'AGENT_DECISION_INVALID',
        `No pending interruption "${decision.interruptionId}" in this run.`,
      );
    }
    call.approved = decision.approve;
    if (!decision.approve && decision.reason) call.reason = decision.reason.slice(0, 2_000);
    owner.interruptions = owner.interruptions.filter((i) => i.id !== interruption.id);
    owner.updatedAt = Date.now();
    changed.set(owner.id, owner);
    const span = spans.get(interruption.spanId);
    if (span && span.end === undefined) {
      span.end = nowMs();
      span.status = 'ok';
      span.attributes['hearth.approval.decision'] = decision.approve ? 'approved' : 'rejected';
      if (!decision.approve && decision.reason)
        span.attributes['hearth.approval.reason'] = decision.reason.slice(0, 500);
      endedSpans.push(span);
    }
  }
  await store.commit({ runs: [...changed.values()], spans: endedSpans });
}
