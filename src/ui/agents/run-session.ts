import { toHearthError } from '../../core/errors.ts';
import type {
  AgentRun,
  AgentsApi,
  Decision,
  PipelineInput,
  RunView,
  ThreadItemRecord,
} from '../../runtime/index.ts';
import { describeEvent, type LogLine } from './event-log.ts';

/** What the run panel shows of one run: its stored state, and what this page saw of it live. */
export interface RunSnapshot {
  view: RunView | null;
  /** The run's thread: the user's message, each agent's instructions, turns and tool results. */
  items: ThreadItemRecord[];
  /** Events this page received, as lines (none for a run opened from storage until it continues). */
  log: LogLine[];
  /** The answer being written right now, before its turn is stored. */
  streaming: { agent: string; text: string } | null;
  /** The agent whose turn it is (the graph highlights it). */
  activeAgent: string | null;
  /** This page is executing the run. */
  running: boolean;
  failure: { code: string; message: string } | null;
}

const empty = (): RunSnapshot => ({
  view: null,
  items: [],
  log: [],
  streaming: null,
  activeAgent: null,
  running: false,
  failure: null,
});

/** Keeps the lines of a long run readable; the trace has everything. */
const MAX_LOG_LINES = 400;

/**
 * Starts, resumes, stops and follows one run at a time, and reads it back from storage (after a
 * reload, a paused run is shown exactly as stored: its steps and its questions). `onChange` is
 * called whenever the snapshot changed.
 */
export class RunSession {
  snapshot: RunSnapshot = empty();
  private current: AgentRun | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(
    private readonly agents: AgentsApi,
    private readonly onChange: () => void,
  ) {}

  get runId(): string | null {
    return this.snapshot.view?.run.id ?? this.current?.runId ?? null;
  }

  /** Shows a stored run (nothing runs). */
  async show(runId: string): Promise<void> {
    if (this.current) return;
    this.snapshot = { ...empty() };
    await this.load(runId);
  }

  start(pipeline: PipelineInput, input: string): void {
    if (this.current) return;
    this.snapshot = { ...empty(), running: true };
    this.onChange();
    void this.follow(this.agents.run({ pipeline, input }), true);
  }

  /** Continues the shown run with the person's answers (or, with none, after its page went away). */
  resume(decisions: Decision[] = []): void {
    const runId = this.runId;
    if (this.current || !runId) return;
    this.snapshot = { ...this.snapshot, running: true, failure: null };
    this.onChange();
    void this.follow(this.agents.resume(runId, { decisions }), false);
  }

  stop(): void {
    this.current?.abort(new DOMException('Stopped by the user.', 'AbortError'));
  }

  private async follow(run: AgentRun, fresh: boolean): Promise<void> {
    this.current = run;
    if (fresh) void this.load(run.runId);
    try {
      for await (const event of run) {
        if (event.type === 'text_delta') {
          const streaming = this.snapshot.streaming;
          this.snapshot.streaming =
            streaming && streaming.agent === event.agent
              ? { agent: event.agent, text: streaming.text + event.delta }
              : { agent: event.agent, text: event.delta };
          this.snapshot.activeAgent = event.agent;
          this.onChange();
          continue;
        }
        const line = describeEvent(event);
        if (line) this.snapshot.log = [...this.snapshot.log, line].slice(-MAX_LOG_LINES);
        if (event.type === 'turn_finished') this.snapshot.streaming = null;
        if (
          event.type === 'run_started' ||
          event.type === 'turn_finished' ||
          event.type === 'tool_call_started'
        )
          this.snapshot.activeAgent = event.agent;
        if (event.type === 'handoff') this.snapshot.activeAgent = event.to;
        if (event.type === 'error' && !event.parentRunId) this.snapshot.failure = event.error;
        this.onChange();
        void this.load(run.runId);
      }
      await run.result;
    } catch (error) {
      const failure = toHearthError(error);
      this.snapshot.failure = { code: failure.code, message: failure.message };
    } finally {
      this.current = null;
      this.snapshot = { ...this.snapshot, running: false, streaming: null, activeAgent: null };
      this.onChange();
      await this.load(run.runId);
    }
  }

  /** Reads the run and its thread back; calls that arrive meanwhile fold into one more read. */
  private async load(runId: string): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          const view = await this.agents.runs.get(runId);
          const { items } = await this.agents.threads.get(view.run.threadId);
          if (this.runId === null || this.runId === runId) {
            this.snapshot = { ...this.snapshot, view, items };
            this.onChange();
          }
        } catch {
          // Not stored yet (the run is starting): the next event reads again.
        }
      } while (this.reloadAgain);
    })();
    try {
      await this.reloading;
    } finally {
      this.reloading = null;
    }
  }
}
