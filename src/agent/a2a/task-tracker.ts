/**
 * Folds a task's stream (or a polled snapshot) into its current state, reports each step as an `A2AEvent`, and
 * says when the call is over. One tracker lives for one `send` or `resume`, across reconnections.
 */
import type { StreamResponse, Task } from '@a2a-js/sdk';
import { a2aError } from './errors.ts';
import {
  fromSdkArtifact,
  fromSdkMessage,
  isInterrupted,
  isTerminal,
  taskStateOf,
  textOf,
} from './messages.ts';
import type { A2AArtifact, A2AEvent, A2AMessage, A2AResult, A2ATaskState } from './types.ts';

export class TaskTracker {
  taskId: string | undefined;
  contextId: string | undefined;
  state: A2ATaskState = 'unknown';
  private statusMessage: A2AMessage | undefined;
  private reply: A2AMessage | undefined;
  private readonly artifacts = new Map<string, A2AArtifact>();

  /**
   * Set when the call answers a task that asked for input: the agent's first event is that task as it stood,
   * still `input-required`, which must not end the call.
   */
  private staleSnapshot: boolean;

  constructor(
    private readonly agentName: string,
    private readonly onEvent: (event: A2AEvent) => void = () => undefined,
    options: { answering?: boolean } = {},
  ) {
    this.staleSnapshot = options.answering === true;
  }

  /** The call is over: the task ended or waits for the user, or the agent answered with a message. */
  get done(): boolean {
    return (
      this.reply !== undefined || isTerminal(this.state) || (isInterrupted(this.state) && !this.staleSnapshot)
    );
  }

  /** Applies one stream event; true once the call is over. */
  apply(response: StreamResponse): boolean {
    const payload = response.payload;
    switch (payload?.$case) {
      case 'task':
        this.applyTask(payload.value);
        break;
      case 'statusUpdate': {
        const update = payload.value;
        this.staleSnapshot = false;
        this.taskId ??= update.taskId;
        this.contextId ??= update.contextId;
        this.state = taskStateOf(update.status);
        this.statusMessage = update.status?.message ? fromSdkMessage(update.status.message) : undefined;
        this.onEvent({
          type: 'status',
          taskId: update.taskId,
          state: this.state,
          text: this.statusMessage ? textOf(this.statusMessage.parts) : '',
          ...(this.statusMessage ? { message: this.statusMessage } : {}),
        });
        break;
      }
      case 'artifactUpdate': {
        const update = payload.value;
        this.staleSnapshot = false;
        this.taskId ??= update.taskId;
        if (!update.artifact) break;
        const incoming = fromSdkArtifact(update.artifact);
        const earlier = this.artifacts.get(incoming.id);
        const artifact =
          update.append && earlier ? { ...earlier, parts: [...earlier.parts, ...incoming.parts] } : incoming;
        this.artifacts.set(artifact.id, artifact);
        this.onEvent({
          type: 'artifact',
          taskId: update.taskId,
          artifact: incoming,
          append: update.append,
          lastChunk: update.lastChunk,
        });
        break;
      }
      case 'message': {
        const message = fromSdkMessage(payload.value);
        this.onEvent({ type: 'message', message });
        // Inside a task a message is commentary; without one it is the whole answer.
        if (this.taskId === undefined) {
          this.reply = message;
          this.contextId = payload.value.contextId || undefined;
        }
        break;
      }
      default:
        throw a2aError(
          'A2A_UNKNOWN_EVENT',
          `The A2A agent ${this.agentName} sent a stream event that is neither a task, a message, a status update ` +
            'nor an artifact update: it may speak a newer A2A version than Hearth; ask its operator which one.',
          { taskId: this.taskId },
        );
    }
    return this.done;
  }

  /** A whole task (the first event of a stream, a resubscription's snapshot, or a poll). */
  applyTask(task: Task): void {
    this.taskId = task.id;
    this.contextId = task.contextId || this.contextId;
    this.state = taskStateOf(task.status);
    this.statusMessage = task.status?.message ? fromSdkMessage(task.status.message) : this.statusMessage;
    // A snapshot holds every artifact so far; it replaces what the stream had built.
    if (task.artifacts.length > 0) {
      this.artifacts.clear();
      for (const artifact of task.artifacts)
        this.artifacts.set(artifact.artifactId, fromSdkArtifact(artifact));
    }
    this.onEvent({ type: 'task', taskId: task.id, contextId: task.contextId, state: this.state });
  }

  /** The result of a call that is over; a task that failed, was rejected or was canceled by the agent throws. */
  result(): A2AResult {
    if (this.reply) {
      return {
        state: 'message',
        ...(this.contextId ? { contextId: this.contextId } : {}),
        text: textOf(this.reply.parts),
        message: this.reply,
        artifacts: [],
      };
    }
    const statusText = this.statusMessage ? textOf(this.statusMessage.parts) : '';
    const state = this.state;
    if (state === 'failed' || state === 'rejected' || state === 'canceled') {
      const verb = { failed: 'failed', rejected: 'refused', canceled: 'canceled' }[state];
      throw a2aError(
        'A2A_TASK_FAILED',
        `The A2A agent ${this.agentName} ${verb} the task${statusText ? `: ${statusText}` : ' without giving a reason'}.`,
        { taskId: this.taskId, state, reason: statusText },
      );
    }
    if (state !== 'completed' && state !== 'input-required' && state !== 'auth-required') {
      throw new Error(`result() called while the task is ${state}`);
    }
    const artifacts = [...this.artifacts.values()];
    const text = [...artifacts.map((artifact) => textOf(artifact.parts)), statusText]
      .filter(Boolean)
      .join('\n\n');
    return {
      state,
      ...(this.taskId ? { taskId: this.taskId } : {}),
      ...(this.contextId ? { contextId: this.contextId } : {}),
      text,
      ...(this.statusMessage ? { message: this.statusMessage } : {}),
      artifacts,
    };
  }
}
