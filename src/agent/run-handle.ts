import type { AgentEvent } from './events.ts';
import type { Interruption, RunUsage } from './run-record.ts';

/** How a run ended when its promise resolves: finished with an answer, or paused for the user. */
export type RunResult = {
  runId: string;
  threadId: string;
  /** The agent that answered (or whose turn it is when paused). */
  agent: string;
  usage: RunUsage;
} & (
  | { status: 'completed'; output: string }
  /** Waiting for `decide`/`resume`: approvals, or calls a crash interrupted. */
  | { status: 'paused'; interruptions: Interruption[] }
);

/**
 * A run in progress: iterate it (or `events`) for its events as they happen, and await `result`
 * for how it ended. `result` rejects with a HearthError when the run fails (AGENT_MAX_TURNS, a
 * model error, …) or is aborted (ABORTED); the thread keeps every complete step either way.
 *
 * ```ts
 * const run = hearth.agents.run({ pipeline, input: 'What is 6 × 7?' });
 * for await (const event of run) if (event.type === 'text_delta') output.append(event.delta);
 * const result = await run.result;
 * ```
 */
export interface AgentRun extends AsyncIterable<AgentEvent> {
  readonly runId: string;
  /** Every event from the start; each iteration replays from the first event. */
  readonly events: AsyncIterable<AgentEvent>;
  readonly result: Promise<RunResult>;
  /** Stops the run: a tool in flight sees its signal abort; the run ends `aborted`. */
  abort(reason?: unknown): void;
}

/** Events kept for every reader, from the first; a reader waits for the next one or for the end. */
export class EventChannel {
  private readonly buffer: AgentEvent[] = [];
  private closed = false;
  private wake: Array<() => void> = [];

  push(event: AgentEvent): void {
    if (this.closed) return;
    this.buffer.push(event);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    let index = 0;
    for (;;) {
      while (index < this.buffer.length) yield this.buffer[index++]!;
      if (this.closed) return;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }
}

export function runHandle(
  runId: string,
  channel: EventChannel,
  result: Promise<RunResult>,
  controller: AbortController,
): AgentRun {
  // Nobody may await `result` (a UI that only reads events): its failure is in the events already.
  result.catch(() => undefined);
  return {
    runId,
    events: channel,
    result,
    abort: (reason) => controller.abort(reason),
    [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
  };
}
