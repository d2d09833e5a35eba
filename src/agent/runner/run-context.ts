/**
 * What every step of one run's loop works on: the run's record and thread, its toolbox and trace, and the
 * bookkeeping all steps share (writing the run's state, sending its events, opening and closing its spans).
 * The steps themselves are plain functions in this folder that take this context.
 */
import type { AgentEvent } from '../events.ts';
import { agentError } from '../errors.ts';
import type { ThreadItem } from '../items.ts';
import type { PipelineNode } from '../pipeline/schema.ts';
import type { RemoteAgents } from '../remotes.ts';
import type { CallRecord, Interruption, RunRecord } from '../run-record.ts';
import type { AgentStore, Checkpoint } from '../store/agent-store.ts';
import { RunTrace, type SpanRecord } from '../trace/span.ts';
import type { AgentTool } from '../tool.ts';
import type { AgentModel } from './model-turn.ts';
import { Toolbox } from './toolbox.ts';

export interface LoopDeps {
  store: AgentStore;
  model: AgentModel;
  registry: ReadonlyMap<string, AgentTool>;
  /** Every event of the run tree goes here (the root run's channel). */
  emit(event: AgentEvent): void;
  signal: AbortSignal;
  /** Spans of the trace stored before this page took the run over (resume), by id. */
  storedSpans: Map<string, SpanRecord>;
  /** The remote (A2A) agents the pipeline names, connected once per execution. */
  remotes: RemoteAgents;
  promptTools?: 'pipeline' | 'agent';
}

/** An event as a step sends it: the run's ids are added on the way out. */
export type EventBody = AgentEvent extends infer E
  ? E extends AgentEvent
    ? Omit<E, 'runId' | 'parentRunId'>
    : never
  : never;

/** A nested run as its parent drives it (a RunLoop; named here so the steps need not import the loop). */
export interface NestedRun {
  readonly record: RunRecord;
  execute(resumed?: boolean): Promise<RunRecord>;
  interruptions(): Interruption[];
}

/** How a run starts or reopens a nested run (an agent asked as a tool). */
export interface NestedRuns {
  start(
    record: RunRecord,
    thread: { title: string; parentRunId: string },
    parentSpanId: string,
    /** Written in the same transaction (the parent naming its new child). */
    alsoWrite: RunRecord[],
  ): Promise<NestedRun>;
  open(runId: string): Promise<NestedRun>;
}

export class RunContext {
  readonly toolbox: Toolbox;
  readonly trace: RunTrace;
  /** Calls of the current step that wait on a paused nested run. */
  readonly waitingOnChild = new Set<string>();
  /** Whole results of this step's calls not yet written. */
  pendingResults: NonNullable<Checkpoint['results']> = [];
  /** Spans this page opened (others come from `deps.storedSpans`). */
  readonly liveSpans = new Map<string, SpanRecord>();
  /** Questions of nested runs that paused during this execution. */
  readonly childInterruptions: Interruption[] = [];
  /** Thread items of a step of repeatable calls, written with its results. */
  readonly deferred: ThreadItem[] = [];

  constructor(
    readonly run: RunRecord,
    /** The thread as the model reads it (after the preamble). */
    readonly items: ThreadItem[],
    readonly deps: LoopDeps,
    readonly nested: NestedRuns,
  ) {
    this.toolbox = new Toolbox(run.pipeline, deps.registry, deps.promptTools, run.limits.maxAgentInput);
    this.trace = new RunTrace(run.traceId, run.id, run.rootRunId);
  }

  /** What this run and its nested runs wait on. */
  interruptions(): Interruption[] {
    return [...this.run.interruptions, ...this.childInterruptions];
  }

  node(name: string): PipelineNode {
    const node = this.run.pipeline.agents.find((a) => a.name === name);
    if (!node) throw agentError('AGENT_UNKNOWN_AGENT', `The pipeline has no agent "${name}".`);
    return node;
  }

  /** The thread write that appends `items` to this run's thread. */
  append(items: ThreadItem[]): NonNullable<Checkpoint['append']> {
    return { thread: { id: this.run.threadId, title: '' }, runId: this.run.id, items };
  }

  async commit(extra: Omit<Checkpoint, 'runs' | 'spans'>, alsoWrite: RunRecord[] = []): Promise<void> {
    this.run.updatedAt = Date.now();
    const results = [...this.pendingResults, ...(extra.results ?? [])];
    this.pendingResults = [];
    await this.deps.store.commit({
      ...extra,
      runs: [structuredClone(this.run), ...alsoWrite.map((r) => structuredClone(r))],
      spans: this.trace.drain(),
      ...(results.length ? { results } : {}),
    });
  }

  emit(body: EventBody): void {
    this.deps.emit({
      ...body,
      runId: this.run.id,
      ...(this.run.parent ? { parentRunId: this.run.parent.runId } : {}),
    } as AgentEvent);
  }

  emitFinished(): void {
    const status = this.run.status === 'running' ? 'failed' : this.run.status;
    this.emit({
      type: 'run_finished',
      status,
      agent: this.run.agent,
      ...(this.run.output !== undefined ? { output: this.run.output } : {}),
      interruptions: this.interruptions(),
      usage: this.run.usage,
    });
  }

  emitCallFinished(agent: string, call: CallRecord, durationMs: number): void {
    const result = call.result!;
    this.emit({
      type: 'tool_call_finished',
      agent,
      callId: call.callId,
      tool: call.tool,
      status: result.status,
      output: result.output,
      truncated: result.truncated,
      bytes: result.bytes,
      durationMs,
    });
  }

  // ---- spans ------------------------------------------------------------------------------

  openAgentSpan(agent: string): void {
    const span = this.trace.start(`invoke_agent ${agent}`, 'agent', this.run.spanId, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
    });
    this.run.agentSpanId = span.spanId;
    this.liveSpans.set(span.spanId, span);
  }

  startToolSpan(call: CallRecord, tool: AgentTool): SpanRecord {
    const span = this.trace.start(`execute_tool ${call.tool}`, 'tool', this.run.agentSpanId, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.tool,
      'gen_ai.tool.call.id': call.callId,
      'gen_ai.tool.call.arguments': call.arguments,
      ...(tool.source ? { 'hearth.tool.source': tool.source.kind } : {}),
      ...(call.interrupted ? { 'hearth.tool.rerun': true } : {}),
    });
    call.spanId = span.spanId;
    this.liveSpans.set(span.spanId, span);
    return span;
  }

  spanById(id: string | undefined): SpanRecord | undefined {
    if (!id) return undefined;
    return this.liveSpans.get(id) ?? this.deps.storedSpans.get(id);
  }

  endAgentSpan(error?: unknown): void {
    const span = this.spanById(this.run.agentSpanId);
    if (span) this.trace.end(span, error);
  }

  endRunSpan(error?: unknown): void {
    const span = this.spanById(this.run.spanId);
    if (span)
      this.trace.end(span, error, {
        'hearth.run.status': this.run.status,
        'hearth.run.turns': this.run.turns,
      });
  }
}
