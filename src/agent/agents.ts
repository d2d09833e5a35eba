import { HearthError, toHearthError } from '../core/errors.ts';
import type { AgentRuns, RunChannel } from './agent-runs.ts';
import {
  calculatorTool,
  currentTimeTool,
  searchDocumentsTool,
  type DocumentSearch,
} from './builtin/tools.ts';
import { agentError } from './errors.ts';
import type { ThreadItemRecord, ThreadRecord } from './items.ts';
import { checkPipeline, type PipelineCheck, type PipelineProblem } from './pipeline/check.ts';
import type { AgentSpecInput, Pipeline, PipelineInput, RunLimits } from './pipeline/schema.ts';
import { EventChannel, runHandle, type AgentRun, type RunResult } from './run-handle.ts';
import type { RunLocks } from './run-lock.ts';
import type { Interruption, RunRecord } from './run-record.ts';
import type { AgentModel } from './runner/model-turn.ts';
import type { OtlpTraceExport } from './trace/otlp.ts';
import type { SpanRecord } from './trace/span.ts';
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

  // The store, the loop and the queries are fetched on first use (agent-runs.ts): a page holding
  // this API but running no agent does not pay for them. Checks and the tool list stay here, synchronous.
  let loaded: Promise<AgentRuns> | undefined;
  const runs = (): Promise<AgentRuns> =>
    (loaded ??= import('./agent-runs.ts').then(
      ({ openAgentRuns }) =>
        openAgentRuns({
          databaseName: options.databaseName ?? 'hearth-agents',
          model: options.model,
          registry,
          ...(options.locks ? { locks: options.locks } : {}),
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.promptTools ? { promptTools: options.promptTools } : {}),
        }),
      (error: unknown) => {
        loaded = undefined; // a failed fetch of the chunk is tried again on the next call
        throw error;
      },
    ));

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

  /** An AgentRun at once; `drive` executes it once the runs' code is loaded (and `prepare` passed). */
  const start = <T>(
    runId: string,
    signal: AbortSignal | undefined,
    prepare: () => T,
    drive: (runs: AgentRuns, prepared: T, to: RunChannel) => Promise<RunResult>,
  ): AgentRun => {
    const channel = new EventChannel();
    const controller = new AbortController();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    const result = (async (): Promise<RunResult> => {
      let ready: [AgentRuns, T];
      try {
        const prepared = prepare(); // a pipeline that cannot run fails before anything loads
        ready = [await runs(), prepared];
      } catch (error) {
        const failure = toHearthError(error);
        channel.push({ type: 'error', runId, error: { code: failure.code, message: failure.message } });
        channel.close();
        throw failure;
      }
      return drive(ready[0], ready[1], { channel, signal: controller.signal });
    })();
    return runHandle(runId, channel, result, controller);
  };

  return {
    run(runOptions) {
      const runId = crypto.randomUUID();
      return start(
        runId,
        runOptions.signal,
        () => {
          const pipeline = pipelineOf(runOptions);
          if (typeof runOptions.input !== 'string' || runOptions.input.length === 0)
            throw agentError(
              'AGENT_PIPELINE_INVALID',
              'The run needs an input: the user’s message, as text.',
            );
          return pipeline;
        },
        (loaded, pipeline, to) =>
          loaded.run(
            runId,
            {
              pipeline,
              input: runOptions.input,
              ...(runOptions.threadId ? { threadId: runOptions.threadId } : {}),
              ...(runOptions.limits ? { limits: runOptions.limits } : {}),
            },
            to,
          ),
      );
    },

    resume(runId, resumeOptions = {}) {
      return start(
        runId,
        resumeOptions.signal,
        () => undefined,
        (loaded, _none, to) => loaded.resume(runId, resumeOptions.decisions, to),
      );
    },

    decide: async (runId, decisions) => (await runs()).decide(runId, decisions),

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
      list: async () => (await runs()).threads.list(),
      get: async (threadId) => (await runs()).threads.get(threadId),
      delete: async (threadId) => (await runs()).threads.delete(threadId),
    },

    runs: {
      list: async () => (await runs()).runs.list(),
      get: async (runId) => (await runs()).runs.get(runId),
      toolResult: async (runId, callId) => (await runs()).runs.toolResult(runId, callId),
    },

    traces: {
      spans: async (runId) => (await runs()).traces.spans(runId),
      exportOtlp: async (runId) => (await runs()).traces.exportOtlp(runId),
    },

    dispose: () => void loaded?.then((opened) => opened.dispose()).catch(() => undefined),
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
