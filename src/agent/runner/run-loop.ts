import { abortError, isHearthError, throwIfAborted, toHearthError } from '../../core/errors.ts';
import type { ChatMessage, ToolCall, ToolChoice } from '../../engines/llm/contract.ts';
import { agentError } from '../errors.ts';
import type { AgentEvent } from '../events.ts';
import type { ThreadItem, ToolCallStatus } from '../items.ts';
import { toMessages } from '../items.ts';
import {
  agentToolName,
  DEFAULT_PREAMBLE,
  isFanOut,
  type AgentSpec,
  type FanOutSpec,
  type PipelineNode,
} from '../pipeline/schema.ts';
import type { CallRecord, Interruption, RunRecord, Step } from '../run-record.ts';
import type { AgentStore, Checkpoint } from '../store/agent-store.ts';
import { RunTrace, type SpanRecord } from '../trace/span.ts';
import type { AgentTool } from '../tool.ts';
import { shapeToolResult } from '../tools/tool-result.ts';
import { executeTool } from './execute-tool.ts';
import { runModelTurn, type AgentModel } from './model-turn.ts';
import { instructionsItem, newRunRecord, openingItems } from './new-run.ts';
import { Semaphore } from './semaphore.ts';
import { Toolbox, type Callable } from './toolbox.ts';

export interface LoopDeps {
  store: AgentStore;
  model: AgentModel;
  registry: ReadonlyMap<string, AgentTool>;
  /** Every event of the run tree goes here (the root run's channel). */
  emit(event: AgentEvent): void;
  signal: AbortSignal;
  /** Spans of the trace stored before this page took the run over (resume), by id. */
  storedSpans: Map<string, SpanRecord>;
  promptTools?: 'pipeline' | 'agent';
}

type EventBody = AgentEvent extends infer E
  ? E extends AgentEvent
    ? Omit<E, 'runId' | 'parentRunId'>
    : never
  : never;

/**
 * One run's loop: model turn → tool calls → results → model turn, until an answer, a pause for the
 * user, a limit, or an abort. The state is written after every step (one IndexedDB transaction
 * each), so the loop can be picked up from its record on another page load.
 */
export class RunLoop {
  private readonly toolbox: Toolbox;
  private readonly trace: RunTrace;
  /** Calls of the current step that wait on a paused nested run. */
  private readonly waitingOnChild = new Set<string>();
  /** Whole results of this step's calls not yet written. */
  private pendingResults: NonNullable<Checkpoint['results']> = [];
  /** Spans this page opened (others come from `deps.storedSpans`). */
  private readonly liveSpans = new Map<string, SpanRecord>();
  /** Questions of nested runs that paused during this execution. */
  private readonly childInterruptions: Interruption[] = [];
  /** Thread items of a step of repeatable calls, written with its results. */
  private deferred: ThreadItem[] = [];

  constructor(
    private run: RunRecord,
    /** The thread as the model reads it (after the preamble). */
    private readonly items: ThreadItem[],
    private readonly deps: LoopDeps,
  ) {
    this.toolbox = new Toolbox(run.pipeline, deps.registry, deps.promptTools, run.limits.maxAgentInput);
    this.trace = new RunTrace(run.traceId, run.id, run.rootRunId);
  }

  get record(): RunRecord {
    return this.run;
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
    const opening = openingItems(run, loop.toolbox);
    loop.items.push(...opening);
    const span = loop.trace.start(`run ${run.pipeline.name}`, 'run', parentSpanId, {
      'hearth.run.id': run.id,
      'hearth.pipeline': run.pipeline.name,
      'hearth.input': run.input,
    });
    run.spanId = span.spanId;
    loop.liveSpans.set(span.spanId, span);
    loop.openAgentSpan(run.agent);
    await loop.commit(
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
    this.emit({ type: 'run_started', threadId: this.run.threadId, agent: this.run.agent, resumed });
    try {
      if (resumed) {
        const crashed = this.run.status === 'running';
        const fresh = crashed ? this.recover() : [];
        this.run.status = 'running';
        await this.commit({});
        for (const interruption of fresh) this.emit({ type: 'approval_requested', interruption });
      }
      for (;;) {
        throwIfAborted(this.deps.signal);
        if (this.run.step) {
          if (await this.settleStep()) return await this.pause();
          continue;
        }
        const node = this.node(this.run.agent);
        if (isFanOut(node)) {
          await this.startFanOut(node);
          continue;
        }
        if (this.run.turns >= this.run.limits.maxTurns) {
          throw agentError(
            'AGENT_MAX_TURNS',
            `The run made ${this.run.turns} model calls (limits.maxTurns) without a final answer.`,
          );
        }
        if (await this.modelTurn(node)) return this.run;
      }
    } catch (error) {
      throw await this.fail(error);
    }
  }

  // ---- model turns -------------------------------------------------------------------------

  /** One model call; true when it gave the final answer. */
  private async modelTurn(agent: AgentSpec): Promise<boolean> {
    const callable = this.toolbox.callable(agent.name);
    const toolChoice = this.toolChoice(agent, callable);
    const messages: ChatMessage[] = [
      { role: 'system', content: this.run.pipeline.preamble ?? DEFAULT_PREAMBLE },
      ...toMessages(this.items),
    ];
    const span = this.trace.start(`chat ${agent.name}`, 'model', this.run.agentSpanId, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.agent.name': agent.name,
      'hearth.turn': this.run.turns + 1,
      'hearth.prompt.messages': messages.length,
      ...(agent.adapter ? { 'hearth.adapter': agent.adapter } : {}),
      ...(agent.model?.temperature !== undefined
        ? { 'gen_ai.request.temperature': agent.model.temperature }
        : {}),
    });
    let turn;
    try {
      turn = await runModelTurn(this.deps.model, {
        agent,
        messages,
        tools: this.toolbox.functionTools(agent.name),
        toolChoice,
        signal: this.deps.signal,
        onDelta: (delta) => this.emit({ type: 'text_delta', agent: agent.name, delta }),
      });
    } catch (error) {
      this.trace.end(span, error);
      throw error;
    }
    const { usage } = turn;
    this.run.turns++;
    const total = this.run.usage;
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
    total.cached_prompt_tokens += usage.cached_prompt_tokens;
    total.model_calls++;
    this.trace.end(span, undefined, {
      'gen_ai.response.model': turn.model,
      'gen_ai.response.finish_reasons': turn.finishReason,
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      'hearth.usage.cached_prompt_tokens': usage.cached_prompt_tokens,
      'hearth.ttft_ms': usage.timings.ttft_ms,
      'hearth.prefill_tok_s': usage.timings.prefill_tok_s,
      'hearth.decode_tok_s': usage.timings.decode_tok_s,
      'hearth.tool_calls': turn.toolCalls.length,
    });
    const assistant: ThreadItem = {
      type: 'assistant',
      agent: agent.name,
      text: turn.text || (turn.toolCalls.length ? null : ''),
      toolCalls: turn.toolCalls,
      usage,
      ...(agent.adapter ? { adapter: agent.adapter } : {}),
    };
    this.items.push(assistant);
    this.emit({
      type: 'turn_finished',
      agent: agent.name,
      turn: this.run.turns,
      text: assistant.text,
      toolCalls: turn.toolCalls.map((c) => ({
        callId: c.id,
        tool: c.function.name,
        arguments: c.function.arguments,
      })),
      usage,
      ...(agent.adapter ? { adapter: agent.adapter } : {}),
    });
    const append = { thread: { id: this.run.threadId, title: '' }, runId: this.run.id, items: [assistant] };
    if (turn.toolCalls.length === 0) {
      this.run.output = turn.text;
      this.run.status = 'completed';
      this.endAgentSpan();
      this.endRunSpan();
      await this.commit({ append });
      this.emitFinished();
      return true;
    }
    if (toolChoice !== 'auto' && toolChoice !== 'none') this.run.toolChoiceReset = true;
    const fresh = await this.buildStep(agent, turn.toolCalls);
    // A step whose calls are all safe to repeat needs no write before they run: a crash meanwhile
    // only repeats the model turn and those calls. Its turn and results are written together.
    if (this.allRepeatable(this.run.step!)) this.deferred.push(assistant);
    else await this.commit({ append });
    for (const interruption of fresh) this.emit({ type: 'approval_requested', interruption });
    return false;
  }

  private toolChoice(agent: AgentSpec, callable: Map<string, Callable>): ToolChoice {
    if (callable.size === 0) return 'none';
    const choice = agent.model?.toolChoice ?? 'auto';
    if (choice === 'auto' || choice === 'none') return choice;
    if (this.run.toolChoiceReset && agent.model?.resetToolChoice !== false) return 'auto';
    const named = (name: string): ToolChoice => ({ type: 'function', function: { name } });
    if (typeof choice === 'object') return named(choice.tool);
    // The prompt may list the whole pipeline's tools: with one tool of its own, name it, so a forced
    // call cannot land on another agent's tool.
    if (callable.size === 1 && (this.deps.promptTools ?? 'pipeline') === 'pipeline')
      return named([...callable.keys()][0]!);
    return 'required';
  }

  // ---- steps ------------------------------------------------------------------------------

  /** Turns the model's calls into the step's records: answered at once, queued, or awaiting the user. */
  private async buildStep(agent: AgentSpec, toolCalls: ToolCall[]): Promise<Interruption[]> {
    const callable = this.toolbox.callable(agent.name);
    const step: Step = { agent: agent.name, calls: [] };
    const fresh: Interruption[] = [];
    const streak = this.run.invalidStreak;
    for (const call of toolCalls) {
      const name = call.function.name;
      const record: CallRecord = {
        callId: call.id,
        tool: name,
        arguments: call.function.arguments,
        kind: 'tool',
        state: 'queued',
      };
      step.calls.push(record);
      const found = callable.get(name);
      if (!found) {
        streak[name] = (streak[name] ?? 0) + 1;
        settle(
          record,
          'unknown_tool',
          `${agent.name} has no tool "${name}". Its tools: ${[...callable.keys()].join(', ')}.`,
        );
        continue;
      }
      record.kind = found.kind;
      const parsed = parseArguments(found, call.function.arguments);
      if (!parsed.success) {
        streak[name] = (streak[name] ?? 0) + 1;
        settle(
          record,
          'invalid_arguments',
          `Invalid arguments for ${name}: ${parsed.error}\nCall ${name} again with arguments that fit its parameters.`,
        );
        continue;
      }
      streak[name] = 0;
      if (found.kind === 'handoff') {
        if (step.next) {
          settle(
            record,
            'error',
            `Only one handoff per turn: the conversation already goes to ${step.next}; this one was ignored.`,
          );
        } else {
          step.next = found.target;
          settle(record, 'ok', `Transferred to ${found.target}.`);
        }
        continue;
      }
      if (found.kind === 'tool' && (await needsApproval(found.tool, parsed.data))) {
        fresh.push(this.interrupt(record, agent.name, 'approval', parsed.data));
      }
    }
    // Up to the concurrency cap, calls are marked running (with their spans) in the step's own
    // write: a crash from here on shows them as interrupted, and none is run twice by itself.
    let slots = this.run.limits.toolConcurrency;
    for (const record of step.calls) {
      if (record.state !== 'queued' || slots-- <= 0) continue;
      record.state = 'running';
      const found = callable.get(record.tool);
      if (found?.kind === 'tool') this.startToolSpan(record, found.tool);
    }
    this.run.step = step;
    return fresh;
  }

  private interrupt(
    record: CallRecord,
    agent: string,
    kind: Interruption['kind'],
    args: unknown,
  ): Interruption {
    record.state = 'awaiting';
    delete record.approved;
    const span = this.trace.start(`approval ${record.tool}`, 'approval', this.run.agentSpanId, {
      'gen_ai.tool.name': record.tool,
      'gen_ai.tool.call.id': record.callId,
      'hearth.approval.kind': kind,
    });
    const interruption: Interruption = {
      id: crypto.randomUUID(),
      kind,
      runId: this.run.id,
      callId: record.callId,
      agent,
      tool: record.tool,
      arguments: args,
      requestedAt: Date.now(),
      spanId: span.spanId,
    };
    this.run.interruptions.push(interruption);
    return interruption;
  }

  /**
   * Runs what the step can run; true when it must wait for the user. When every call is settled the
   * results join the thread together, and a handoff (or a fan-out's merge) takes over.
   */
  private async settleStep(): Promise<boolean> {
    const step = this.run.step!;
    for (const call of step.calls) {
      if (call.state !== 'awaiting' || call.approved === undefined) continue;
      if (call.approved) call.state = 'queued';
      else settle(call, call.interrupted ? 'interrupted' : 'rejected', this.rejection(call));
    }
    const runnable = step.calls.filter((c) => c.state === 'queued' || c.state === 'running');
    if (runnable.length) {
      const semaphore = new Semaphore(this.run.limits.toolConcurrency);
      let unsettled = runnable.length;
      const outcomes = await Promise.allSettled(
        runnable.map(async (call) => {
          const release = await semaphore.acquire();
          try {
            await this.executeCall(step.agent, call, () => --unsettled === 0);
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
    if (step.calls.some((c) => c.state !== 'done') || this.waitingOnChild.size) return true;
    await this.completeStep(step);
    return false;
  }

  /** The step's results join the thread in call order, in one write with the run's new state. */
  private async completeStep(step: Step): Promise<void> {
    const results: ThreadItem[] = step.calls.map((call) => ({
      type: 'tool_result',
      agent: step.agent,
      callId: call.callId,
      tool: call.tool,
      output: call.result!.output,
      status: call.result!.status,
      truncated: call.result!.truncated,
      bytes: call.result!.bytes,
    }));
    this.run.step = null;
    const written = this.deferred.splice(0); // already in this.items
    const appended = [...results];
    if (step.next) appended.push(...this.takeOver(step.agent, step.next));
    this.items.push(...appended);
    await this.commit({
      append: {
        thread: { id: this.run.threadId, title: '' },
        runId: this.run.id,
        items: [...written, ...appended],
      },
    });
    if (step.next && this.run.handoffs > this.run.limits.maxHandoffs) {
      throw agentError(
        'AGENT_HANDOFF_LOOP',
        `The agents handed the conversation over ${this.run.handoffs} times (limits.maxHandoffs is ${this.run.limits.maxHandoffs}) without answering.`,
      );
    }
    const worst = Object.entries(this.run.invalidStreak).find(
      ([, n]) => n >= this.run.limits.maxInvalidArguments,
    );
    if (worst) {
      throw agentError(
        'AGENT_ARGUMENTS_REJECTED',
        `The model called "${worst[0]}" ${worst[1]} times in a row with arguments that do not fit (limits.maxInvalidArguments); the last error is in the thread.`,
      );
    }
  }

  /** Another agent takes the conversation: its instructions follow the conversation so far. */
  private takeOver(from: string, to: string): ThreadItem[] {
    const isHandoff = !isFanOut(this.node(from));
    if (isHandoff) this.run.handoffs++;
    const span = this.trace.start(`handoff ${from} → ${to}`, 'handoff', this.run.agentSpanId, {
      'hearth.handoff.from': from,
      'hearth.handoff.to': to,
    });
    this.trace.end(span);
    this.endAgentSpan();
    this.run.agent = to;
    this.run.toolChoiceReset = false;
    this.openAgentSpan(to);
    this.emit({ type: 'handoff', from, to });
    return instructionsItem(this.run, to, this.toolbox);
  }

  /** A fan-out asks each branch in parallel (as agent calls the runtime makes), then its merge agent takes over. */
  private async startFanOut(node: FanOutSpec): Promise<void> {
    const toolCalls: ToolCall[] = node.branches.map((branch, i) => ({
      id: `${node.name}_${i}_${crypto.randomUUID().slice(0, 8)}`,
      type: 'function',
      function: { name: agentToolName(branch), arguments: JSON.stringify({ input: this.run.input }) },
    }));
    const assistant: ThreadItem = { type: 'assistant', agent: node.name, text: null, toolCalls };
    this.items.push(assistant);
    this.run.step = {
      agent: node.name,
      next: node.merge,
      calls: toolCalls.map((call) => ({
        callId: call.id,
        tool: call.function.name,
        arguments: call.function.arguments,
        kind: 'agent' as const,
        state: 'queued' as const,
      })),
    };
    await this.commit({
      append: { thread: { id: this.run.threadId, title: '' }, runId: this.run.id, items: [assistant] },
    });
  }

  // ---- calls ------------------------------------------------------------------------------

  /** Runs one call to its result. `last()` says whether it is the step's last call to settle. */
  private async executeCall(agent: string, call: CallRecord, last: () => boolean): Promise<void> {
    const callable = this.toolbox.lookup(call.tool);
    if (!callable || callable.kind === 'handoff') {
      settle(call, 'unknown_tool', `There is no tool "${call.tool}".`);
      return;
    }
    if (callable.kind === 'agent') return this.askAgent(agent, call, callable.target, last);
    const parsed = callable.tool.parameters.parse(JSON.parse(call.arguments || '{}'));
    if (!parsed.success) {
      settle(call, 'invalid_arguments', `Invalid arguments for ${call.tool}: ${parsed.error}`);
      return;
    }
    const rerun = call.interrupted === true;
    // The span is written with the call's running state (at the latest here), so a crash mid-tool
    // leaves it in the trace.
    const fresh = this.liveSpans.get(call.spanId ?? '');
    const span = fresh && fresh.end === undefined ? fresh : this.startToolSpan(call, callable.tool);
    if (call.state === 'queued') {
      call.state = 'running';
      if (!this.deferred.length) await this.commit({});
    }
    this.emit({
      type: 'tool_call_started',
      agent,
      callId: call.callId,
      tool: call.tool,
      arguments: parsed.data,
      ...(rerun ? { rerun } : {}),
    });
    const started = performance.now();
    let outcome;
    try {
      outcome = await executeTool({
        tool: callable.tool,
        args: parsed.data,
        signal: this.deps.signal,
        timeoutMs: callable.tool.timeoutMs ?? this.run.limits.toolTimeoutMs,
        context: {
          runId: this.run.id,
          callId: call.callId,
          progress: (progress) =>
            this.emit({ type: 'tool_progress', agent, callId: call.callId, tool: call.tool, progress }),
          startSpan: (name, attributes) => this.trace.toolSpan(name, span.spanId, attributes),
        },
      });
    } catch (error) {
      this.trace.end(span, error);
      throw error;
    }
    const shaped =
      outcome.status === 'ok'
        ? shapeToolResult(outcome.value, this.run.limits.maxResultBytes)
        : { output: outcome.message, truncated: false, bytes: outcome.message.length };
    if ('full' in shaped && shaped.full !== undefined)
      this.pendingResults.push({ runId: this.run.id, callId: call.callId, text: shaped.full });
    settle(call, outcome.status, shaped.output, shaped);
    this.run.usage.tool_calls++;
    this.trace.end(span, outcome.status === 'ok' ? undefined : shaped.output, {
      'gen_ai.tool.call.result': shaped.output,
      'hearth.tool.status': outcome.status,
      'hearth.tool.result_bytes': shaped.bytes,
      'hearth.tool.truncated': shaped.truncated,
    });
    this.emitCallFinished(agent, call, performance.now() - started);
    if (!last() && !this.deferred.length) await this.commit({});
  }

  /** An agent called as a tool: a nested run on its own thread, whose answer is the result. */
  private async askAgent(
    agent: string,
    call: CallRecord,
    target: string,
    last: () => boolean,
  ): Promise<void> {
    let child: RunLoop;
    let span: SpanRecord | undefined;
    const started = performance.now();
    const resumed = call.childRunId !== undefined;
    if (!call.childRunId) {
      if (this.run.depth + 1 > this.run.limits.maxDepth) {
        settle(
          call,
          'error',
          `${target} cannot be asked: agents are already nested ${this.run.depth} deep (limits.maxDepth).`,
        );
        return;
      }
      const input = (JSON.parse(call.arguments) as { input: string }).input;
      span = this.trace.start(`invoke_agent ${target}`, 'tool', this.run.agentSpanId, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': target,
        'gen_ai.tool.name': call.tool,
        'gen_ai.tool.call.id': call.callId,
        'gen_ai.tool.call.arguments': call.arguments,
      });
      const record = newRunRecord({
        pipeline: this.run.pipeline,
        threadId: crypto.randomUUID(),
        input,
        agent: target,
        limits: this.run.limits,
        parent: {
          runId: this.run.id,
          callId: call.callId,
          rootRunId: this.run.rootRunId,
          traceId: this.run.traceId,
          depth: this.run.depth,
        },
      });
      call.childRunId = record.id;
      call.spanId = span.spanId;
      call.state = 'running';
      this.emit({
        type: 'tool_call_started',
        agent,
        callId: call.callId,
        tool: call.tool,
        arguments: { input },
      });
      // The parent's record names the child in the same write that creates the child.
      this.run.updatedAt = Date.now();
      child = await RunLoop.start(
        record,
        [],
        this.deps,
        { title: `${target}: ${input.slice(0, 60)}`, parentRunId: this.run.id },
        span.spanId,
        [this.run],
      );
    } else {
      child = await RunLoop.open(call.childRunId, this.deps);
      span = call.spanId ? this.deps.storedSpans.get(call.spanId) : undefined;
    }
    let status: ToolCallStatus = 'ok';
    let output: string;
    try {
      const finished = await child.execute(resumed);
      if (finished.status === 'paused') {
        this.waitingOnChild.add(call.callId);
        this.childInterruptions.push(...child.interruptions());
        return;
      }
      output = finished.output ?? '';
    } catch (error) {
      if (isHearthError(error, 'ABORTED')) {
        if (span) this.trace.end(span, error);
        throw error;
      }
      status = 'error';
      output = `${target} failed: ${toHearthError(error).message}`;
    }
    const shaped = shapeToolResult(output, this.run.limits.maxResultBytes);
    if (shaped.full !== undefined)
      this.pendingResults.push({ runId: this.run.id, callId: call.callId, text: shaped.full });
    settle(call, status, shaped.output, shaped);
    this.run.usage.tool_calls++;
    const childUsage = child.record.usage;
    for (const key of [
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'cached_prompt_tokens',
      'model_calls',
      'tool_calls',
    ] as const)
      this.run.usage[key] += childUsage[key];
    if (span) {
      this.trace.end(span, status === 'ok' ? undefined : output, {
        'gen_ai.tool.call.result': shaped.output,
        'hearth.tool.status': status,
      });
    }
    this.emitCallFinished(agent, call, performance.now() - started);
    if (!last() && !this.deferred.length) await this.commit({});
  }

  /** Every call is answered already, or an idempotent tool that needs no approval. */
  private allRepeatable(step: Step): boolean {
    return step.calls.every((call) => {
      if (call.state === 'done') return true;
      if (call.state === 'awaiting' || call.kind !== 'tool') return false;
      const callable = this.toolbox.lookup(call.tool);
      return callable?.kind === 'tool' && callable.tool.idempotent === true;
    });
  }

  private startToolSpan(call: CallRecord, tool: AgentTool): SpanRecord {
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

  private emitCallFinished(agent: string, call: CallRecord, durationMs: number): void {
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

  private rejection(call: CallRecord): string {
    if (call.interrupted)
      return `${call.tool} was interrupted (the page closed while it ran) and the user chose not to run it again.`;
    return `The user did not allow this call to ${call.tool}${call.reason ? `: ${call.reason}` : '.'}`;
  }

  /** What this run and its nested runs wait on. */
  interruptions(): Interruption[] {
    return [...this.run.interruptions, ...this.childInterruptions];
  }

  /**
   * The page that ran this run went away mid-step. Calls that were running may or may not have
   * finished: a tool declared idempotent runs again; any other waits for the user to say whether
   * to run it again. Nested runs recover themselves when their parent picks them up.
   */
  private recover(): Interruption[] {
    const step = this.run.step;
    if (!step) return [];
    const fresh: Interruption[] = [];
    for (const call of step.calls) {
      if (call.state !== 'running') continue;
      if (call.kind === 'agent') {
        if (!call.childRunId) call.state = 'queued'; // its nested run never started
        continue;
      }
      call.interrupted = true;
      const span = this.spanById(call.spanId);
      if (span) this.trace.end(span, new Error('The page went away while the tool ran.'));
      const callable = this.toolbox.lookup(call.tool);
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
        fresh.push(this.interrupt(call, step.agent, 'interrupted', args));
      }
    }
    return fresh;
  }

  // ---- ends -------------------------------------------------------------------------------

  private async pause(): Promise<RunRecord> {
    this.run.status = 'paused';
    await this.commit({});
    this.emitFinished();
    return this.run;
  }

  /** Records a failure or an abort; the thread gets a result for every open call, so it stays whole. */
  private async fail(thrown: unknown): Promise<unknown> {
    const error = toHearthError(thrown);
    const aborted = error.code === 'ABORTED';
    const appended: ThreadItem[] = this.deferred.splice(0);
    const step = this.run.step;
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
      appended.push(
        ...step.calls.map((call): ThreadItem => ({
          type: 'tool_result',
          agent: step.agent,
          callId: call.callId,
          tool: call.tool,
          output: call.result!.output,
          status: call.result!.status,
          truncated: call.result!.truncated,
          bytes: call.result!.bytes,
        })),
      );
      this.run.step = null;
    }
    for (const interruption of this.run.interruptions) {
      const span = this.deps.storedSpans.get(interruption.spanId);
      if (span) this.trace.end(span, error);
    }
    this.run.interruptions = [];
    this.run.status = aborted ? 'aborted' : 'failed';
    this.run.error = { code: error.code, message: error.message };
    this.endAgentSpan(error);
    this.endRunSpan(error);
    try {
      await this.commit(
        appended.length
          ? { append: { thread: { id: this.run.threadId, title: '' }, runId: this.run.id, items: appended } }
          : {},
      );
    } catch {
      // The store itself failed: what was written before stays consistent; report the first error.
    }
    if (!aborted) this.emit({ type: 'error', error: { code: error.code, message: error.message } });
    this.emitFinished();
    return aborted ? abortError(this.deps.signal.reason ?? error.message) : error;
  }

  private emitFinished(): void {
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

  // ---- plumbing ---------------------------------------------------------------------------

  private node(name: string): PipelineNode {
    const node = this.run.pipeline.agents.find((a) => a.name === name);
    if (!node) throw agentError('AGENT_UNKNOWN_AGENT', `The pipeline has no agent "${name}".`);
    return node;
  }

  private openAgentSpan(agent: string): void {
    const span = this.trace.start(`invoke_agent ${agent}`, 'agent', this.run.spanId, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
    });
    this.run.agentSpanId = span.spanId;
    this.liveSpans.set(span.spanId, span);
  }

  private spanById(id: string | undefined): SpanRecord | undefined {
    if (!id) return undefined;
    return this.liveSpans.get(id) ?? this.deps.storedSpans.get(id);
  }

  private endAgentSpan(error?: unknown): void {
    const span = this.spanById(this.run.agentSpanId);
    if (span) this.trace.end(span, error);
  }

  private endRunSpan(error?: unknown): void {
    const span = this.spanById(this.run.spanId);
    if (span)
      this.trace.end(span, error, {
        'hearth.run.status': this.run.status,
        'hearth.run.turns': this.run.turns,
      });
  }

  private async commit(
    extra: Omit<Checkpoint, 'runs' | 'spans'>,
    alsoWrite: RunRecord[] = [],
  ): Promise<void> {
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

  private emit(body: EventBody): void {
    this.deps.emit({
      ...body,
      runId: this.run.id,
      ...(this.run.parent ? { parentRunId: this.run.parent.runId } : {}),
    } as AgentEvent);
  }
}

function settle(
  call: CallRecord,
  status: ToolCallStatus,
  output: string,
  shaped?: { truncated: boolean; bytes: number },
): void {
  call.state = 'done';
  call.result = {
    output,
    status,
    truncated: shaped?.truncated ?? false,
    bytes: shaped?.bytes ?? new TextEncoder().encode(output).length,
  };
}

function parseArguments(
  callable: Callable,
  text: string,
): { success: true; data: unknown } | { success: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return {
      success: false,
      error: `they are not valid JSON (${(error as Error).message}); send one JSON object.`,
    };
  }
  const parameters = callable.kind === 'tool' ? callable.tool.parameters : callable.parameters;
  return parameters.parse(value);
}

async function needsApproval(tool: AgentTool, args: unknown): Promise<boolean> {
  const rule = tool.needsApproval;
  if (typeof rule === 'function') return Boolean(await rule(args));
  return rule === true;
}
