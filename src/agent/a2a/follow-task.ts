/**
 * Follows one call to its end: reads the stream, subscribes to the task again when the stream breaks, ends or
 * falls silent before the task does (a bounded number of times, with backoff), polls agents that cannot stream,
 * and cancels the remote task when the caller aborts.
 */
import type { StreamResponse } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { abortError, HearthError, isHearthError, throwIfAborted } from '../../core/errors.ts';
import { a2aError } from './errors.ts';
import { TaskTracker } from './task-tracker.ts';
import type { A2AResult, A2ASendOptions } from './types.ts';

export interface FollowSettings {
  agentName: string;
  streaming: boolean;
  idleTimeoutMs?: number;
  maxReconnects: number;
  reconnectDelayMs: number;
}

/** Opens the first stream of the call (a send, or a resubscription when resuming). */
export type OpenStream = (signal: AbortSignal) => AsyncGenerator<StreamResponse, void, undefined>;

/** How often an agent without streaming is asked how its task is doing. */
const POLL_INTERVAL_MS = 1000;
/** How long an abort waits for the agent to confirm the cancellation before giving up on it. */
const CANCEL_TIMEOUT_MS = 3000;

type Outcome = { kind: 'done' } | { kind: 'ended' } | { kind: 'dropped'; reason: string };

export async function followTask(
  client: Client,
  open: OpenStream,
  settings: FollowSettings,
  options: A2ASendOptions = {},
  tracker = new TaskTracker(settings.agentName, options.onEvent),
): Promise<A2AResult> {
  const { signal, onEvent } = options;
  const span = options.startSpan?.('a2a.call', { 'a2a.agent': settings.agentName });
  let failures = 0;
  const follow = async (opener: OpenStream): Promise<Outcome> => {
    try {
      return await consume(opener, tracker, settings.idleTimeoutMs, signal);
    } catch (error) {
      // An agent refuses to stream a task that has ended (it may have ended while our stream was down): look.
      if (signal?.aborted || tracker.taskId === undefined || isHearthError(error)) throw error;
      if (await lastLook(client, tracker, signal)) return { kind: 'done' };
      throw error;
    }
  };
  try {
    throwIfAborted(signal);
    let outcome = await follow(open);
    for (;;) {
      if (outcome.kind === 'done') break;
      const taskId = tracker.taskId;
      if (taskId === undefined) {
        throw a2aError(
          'A2A_STREAM_ENDED',
          `The A2A agent ${settings.agentName} closed the stream before naming a task` +
            (outcome.kind === 'dropped' ? ` (${outcome.reason})` : '') +
            ': nothing can be resumed; send the message again.',
        );
      }
      // A poll that finds the task still running is progress, not a failure.
      if (!settings.streaming && outcome.kind === 'ended') {
        await sleep(POLL_INTERVAL_MS, signal);
      } else {
        const reason = outcome.kind === 'dropped' ? outcome.reason : 'the stream ended early';
        if (failures >= settings.maxReconnects) {
          if (await lastLook(client, tracker, signal)) break;
          throw a2aError(
            'A2A_STREAM_ENDED',
            `The update stream of the A2A agent ${settings.agentName} stopped while its task was ${tracker.state} ` +
              `(${reason}), and ${failures} attempts to follow the task again failed. The task may still finish ` +
              `on the agent (task ${taskId}); try again later.`,
            { taskId, state: tracker.state, reconnects: failures },
          );
        }
        failures += 1;
        onEvent?.({ type: 'reconnect', taskId, attempt: failures, reason });
        span?.setAttributes({ 'a2a.reconnects': failures });
        await sleep(settings.reconnectDelayMs * 2 ** (failures - 1), signal);
      }
      const reopen: OpenStream = settings.streaming
        ? (streamSignal) => client.resubscribeTask({ tenant: '', id: taskId }, { signal: streamSignal })
        : (streamSignal) => pollOnce(client, taskId, streamSignal);
      outcome = await follow(reopen);
    }
    const result = tracker.result();
    span?.setAttributes({
      'a2a.state': result.state,
      ...(result.taskId ? { 'a2a.task_id': result.taskId } : {}),
    });
    span?.end();
    return result;
  } catch (thrown) {
    const error = signal?.aborted ? abortError(signal.reason) : explain(thrown, settings.agentName);
    // A task this call gives up on (aborted, or speaking what we cannot read) should not run on at the agent; one
    // whose stream merely broke may still finish there, and can be resumed.
    if (tracker.taskId !== undefined && !tracker.done && !isHearthError(error, 'A2A_STREAM_ENDED')) {
      const cancelSpan = options.startSpan?.('a2a.cancel', { 'a2a.task_id': tracker.taskId });
      const confirmed = await cancelRemote(client, tracker.taskId);
      cancelSpan?.setAttributes({ 'a2a.confirmed': confirmed });
      cancelSpan?.end();
      onEvent?.({ type: 'cancel', taskId: tracker.taskId, confirmed });
    }
    if (tracker.taskId) span?.setAttributes({ 'a2a.task_id': tracker.taskId, 'a2a.state': tracker.state });
    span?.end(error);
    throw error;
  }
}

/** Reads one stream until the call is over, the stream ends, or it breaks or falls silent. */
async function consume(
  open: OpenStream,
  tracker: TaskTracker,
  idleTimeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const own = new AbortController();
  const streamSignal = signal ? AbortSignal.any([signal, own.signal]) : own.signal;
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    if (idleTimeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      own.abort(new Error('idle'));
    }, idleTimeoutMs);
  };
  try {
    armIdle();
    for await (const response of open(streamSignal)) {
      armIdle();
      if (tracker.apply(response)) return { kind: 'done' };
    }
    return { kind: 'ended' };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (idle) return { kind: 'dropped', reason: `it sent nothing for ${idleTimeoutMs} ms` };
    if (isDropped(error)) return { kind: 'dropped', reason: describe(error) };
    throw error;
  } finally {
    clearTimeout(timer);
    // Closes the connection when we stop early (the call is over, or the stream misbehaved).
    own.abort();
  }
}

/** A broken connection, as opposed to an agent that answered with something wrong. */
function isDropped(error: unknown): boolean {
  return error instanceof TypeError || isHearthError(error, 'A2A_UNREACHABLE');
}

/** A task snapshot as a one-event stream, for agents that cannot stream. */
export async function* pollOnce(
  client: Client,
  taskId: string,
  signal: AbortSignal,
): AsyncGenerator<StreamResponse, void, undefined> {
  yield {
    payload: { $case: 'task' as const, value: await client.getTask({ tenant: '', id: taskId }, { signal }) },
  };
}

/** After the last reconnection failed: the task may have ended while nobody was listening. */
async function lastLook(
  client: Client,
  tracker: TaskTracker,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    const task = await client.getTask({ tenant: '', id: tracker.taskId! }, { signal });
    tracker.applyTask(task);
    return tracker.done;
  } catch (error) {
    if (signal?.aborted) throw error;
    return false;
  }
}

async function cancelRemote(client: Client, taskId: string): Promise<boolean> {
  try {
    await client.cancelTask(
      { tenant: '', id: taskId, metadata: undefined },
      { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) },
    );
    return true;
  } catch {
    return false;
  }
}

/** Errors of the SDK (JSON-RPC errors, malformed answers) become coded errors that quote the agent. */
function explain(error: unknown, agentName: string): HearthError {
  if (error instanceof HearthError) return error;
  const message = describe(error);
  // The SDK's 0.3 translation has no error class for this; its message is pinned by tests/e2e/a2a.spec.ts.
  if (/Unknown v0\.3 stream event kind/i.test(message)) {
    return a2aError(
      'A2A_UNKNOWN_EVENT',
      `The A2A agent ${agentName} sent a stream event of a kind Hearth does not know (${message}): it may speak a ` +
        'newer A2A version; ask its operator which one.',
      undefined,
      error,
    );
  }
  return a2aError(
    'A2A_PROTOCOL_ERROR',
    `The A2A agent ${agentName} answered with an error: ${message}`,
    { name: error instanceof Error ? error.name : undefined },
    error,
  );
}

/** The SDK quotes whole response bodies (an HTML error page, say): enough of it to recognise, no more. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 400 ? `${message.slice(0, 400)}…` : message;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
