import { HearthError, toHearthError } from '../core/errors.ts';
import {
  calculatorTool,
  currentTimeTool,
  searchDocumentsTool,
  type DocumentSearch,
} from './builtin/tools.ts';
import { agentError } from './errors.ts';
import type { AgentEvent } from './events.ts';
import type { ThreadItemRecord, ThreadRecord } from './items.ts';
import { checkPipeline, type PipelineCheck, type PipelineProblem } from './pipeline/check.ts';
import type { AgentSpecInput, Pipeline, PipelineInput, RunLimits } from './pipeline/schema.ts';
import { EventChannel, runHandle, type AgentRun, type RunResult } from './run-handle.ts';
import { defaultLocks, runLockName, type RunLocks } from './run-lock.ts';
import type { Interruption, RunRecord } from './run-record.ts';
import type { AgentModel } from './runner/model-turn.ts';
import { newRunRecord } from './runner/new-run.ts';
import { RunLoop, type LoopDeps } from './runner/run-loop.ts';
import { AgentStore } from './store/agent-store.ts';
import { toOtlp, type OtlpTraceExport } from './trace/otlp.ts';
import { nowMs, type SpanRecord } from './trace/span.ts';
import type { AgentTool } from './tool.ts';
import { TOOL_NAME } from './tools/define-tool.ts';

export interface AgentsOptions {
  /** The chat engine the agents talk to (the runtime passes `hearth.chat.completions`). */
  model: AgentModel;
  /** The document store `search_documents` searches (the runtime passes `hearth.rag`). */
  rag?: DocumentSearch;
  /** Tools the pipelines may name, besides the built-in ones. */
  tools?: AgentTool[];
  /** Registers calculator, current_time and (with `rag`) search_documents. Default true. */
  builtins?: boolean;
  /** IndexedDB database of threads, runs and traces. Default 'hearth-agents'. */
  databaseName?: string;
  /** Default limits of every run (a pipeline's own and a run's own win). */
  limits?: Partial<RunLimits>;
  /**
   * Which tools each prompt lists: the whole pipeline's (default; handoffs keep the cached prefix,
   * since chat templates print tools first) or only the agent's own.
   */
  promptTools?: 'pipeline' | 'agent';
  /** Where run locks come from; default: the Web Locks API, or in-process locks where it is missing. */
  locks?: RunLocks;
}

export interface RunOptions {
  /** A pipeline (plain JSON, checked before anything runs), or… */
  pipeline?: PipelineInput | unknown;
  /** …one agent, for a pipeline of one. */
  agent?: AgentSpecInput;
  input: string;
  /** Continue this thread (the input is appended to it); default: a new thread. */
  threadId?: string;
  limits?: Partial<RunLimits>;
  signal?: AbortSignal;
}

/** The user's answer to an interruption: run the call (again), or not (the reason goes to the model). */
export type Decision =
  { interruptionId: string; approve: true } | { interruptionId: string; approve: false; reason?: string };

export interface ResumeOptions {
  decisions?: Decision[];
  signal?: AbortSignal;
}

/** A stored run as the UI shows it. */
export interface RunView {
  run: RunRecord;
  /** What the run tree waits on (its own calls and its nested runs'). */
  interruptions: Interruption[];
  /** Some tab is executing it now (holds its lock). */
  live: boolean;
  /** Stored as running, but nobody executes it: the page that ran it went away mid-step. Resume it. */
  interrupted: boolean;
  /** The nested runs (agents called as tools, fan-out branches). */
  children: RunRecord[];
}

export interface ToolInfo {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  source: AgentTool['source'];
  needsApproval: boolean | 'sometimes';
  idempotent: boolean;
}

/** `hearth.agents`: run pipelines, answer approvals, read threads, runs and traces. */
export interface AgentsApi {
  /** Starts a run: `for await (const e of run)` for its events, `await run.result` for how it ended. */
  run(options: RunOptions): AgentRun;
  /**
   * Continues a stored run: one paused for approval (after a reload too) or one whose page went away
   * mid-step. Refused with AGENT_RUN_LOCKED while another tab executes it.
   */
  resume(runId: string, options?: ResumeOptions): AgentRun;
  /** Records answers to a paused run's interruptions without continuing it (resume does that). */
  decide(runId: string, decisions: Decision[]): Promise<void>;
  /** Checks a pipeline against the registered tools (for an editor: every problem, with its JSON path). */
  validatePipeline(json: unknown): PipelineCheck;
  tools: {
    list(): ToolInfo[];
    /** Adds a tool pipelines may name; returns a function that removes it. */
    register(tool: AgentTool): () => void;
  };
  threads: {
    list(): Promise<ThreadRecord[]>;
    get(threadId: string): Promise<{ thread: ThreadRecord; items: ThreadItemRecord[]; runs: RunRecord[] }>;
    delete(threadId: string): Promise<void>;
  };
  runs: {
    /** Runs people started (not nested ones), newest first. */
    list(): Promise<RunRecord[]>;
    get(runId: string): Promise<RunView>;
    /** The whole result of a call whose result the model saw cut (or its result as the model saw it). */
    toolResult(runId: string, callId: string): Promise<string | undefined>;
  };
  traces: {
    /** The spans of a run's trace (its nested runs included), in start order. */
    spans(runId: string): Promise<SpanRecord[]>;
    /** The trace as OTLP/JSON, ready to POST to a collector's /v1/traces. */
    exportOtlp(runId: string): Promise<OtlpTraceExport>;
  };
  /** Closes the database; running runs keep their lock until they end. */
  dispose(): void;
}

export function createAgents(options: AgentsOptions): AgentsApi {
  const store = new AgentStore(options.databaseName ?? 'hearth-agents');
  const locks = options.locks ?? defaultLocks();
  const registry = new Map<string, AgentTool>();
  const register = (tool: AgentTool) => {
    if (!TOOL_NAME.test(tool.name))
      throw new TypeError(`Tool name "${tool.name}" must be 1-64 letters, digits, _ or -.`);
    registry.set(tool.name, tool);
    return () => {
      if (registry.get(tool.name) === tool) registry.delete(tool.name);
    };
  };
  if (options.builtins !== false) {
    register(calculatorTool);
    register(currentTimeTool);
    if (options.rag) register(searchDocumentsTool(options.rag));
  }
  for (const tool of options.tools ?? []) register(tool);

  const validatePipeline = (json: unknown) => checkPipeline(json, new Set(registry.keys()));
  const pipelineOf = (run: RunOptions): Pipeline => {
    const json =
      run.pipeline ??
      (run.agent
        ? { version: 1, name: run.agent.name, entry: run.agent.name, agents: [run.agent] }
        : undefined);
    if (json === undefined) throw agentError('AGENT_PIPELINE_INVALID', 'Pass a pipeline or an agent to run.');
    const check = validatePipeline(json);
    if (!check.ok) throw pipelineError(check.problems);
    return check.pipeline;
  };

  /** Runs `body` under the run's lock, with a channel for its events, as an AgentRun. */
  const start = (
    runId: string,
    signal: AbortSignal | undefined,
    body: (deps: LoopDeps) => Promise<RunRecord>,
  ): AgentRun => {
    const channel = new EventChannel();
    const controller = new AbortController();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    const result = (async (): Promise<RunResult> => {
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
            registry,
            emit: (event: AgentEvent) => channel.push(event),
            signal: controller.signal,
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
    })();
    return runHandle(runId, channel, result, controller);
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
    run(runOptions) {
      const runId = crypto.randomUUID();
      return start(runId, runOptions.signal, async (deps) => {
        const pipeline = pipelineOf(runOptions);
        if (typeof runOptions.input !== 'string' || runOptions.input.length === 0)
          throw agentError('AGENT_PIPELINE_INVALID', 'The run needs an input: the user’s message, as text.');
        let history: ThreadItemRecord[] = [];
        let title = runOptions.input.slice(0, 80);
        if (runOptions.threadId) {
          const thread = await store.thread(runOptions.threadId);
          if (!thread)
            throw agentError('AGENT_RUN_NOT_FOUND', `No thread with id "${runOptions.threadId}" is stored.`);
          history = await store.items(thread.id);
          title = thread.title;
        }
        const record = newRunRecord({
          id: runId,
          pipeline,
          threadId: runOptions.threadId ?? crypto.randomUUID(),
          input: runOptions.input,
          agent: pipeline.entry,
          limits: { ...options.limits, ...pipeline.limits, ...runOptions.limits },
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

    resume(runId, resumeOptions = {}) {
      return start(runId, resumeOptions.signal, async (deps) => {
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
        if (resumeOptions.decisions?.length)
          await applyDecisions(store, root.rootRunId, resumeOptions.decisions, deps.storedSpans);
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

    validatePipeline,

    tools: {
      list: () =>
        [...registry.values()].map((tool) => ({
          name: tool.name,
          description: tool.description,
          parameters: tool.parameters.jsonSchema,
          source: tool.source ?? { kind: 'local' },
          needsApproval: typeof tool.needsApproval === 'function' ? 'sometimes' : tool.needsApproval === true,
          idempotent: tool.idempotent === true,
        })),
      register,
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

function pipelineError(problems: PipelineProblem[]): HearthError {
  const first = problems[0]!;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more: ${problems
          .slice(1)
          .map((p) => p.message)
          .join(' ')})`
      : '';
  return new HearthError(first.code, `The pipeline cannot run: ${first.message}${more}`, {
    details: { problems },
  });
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
