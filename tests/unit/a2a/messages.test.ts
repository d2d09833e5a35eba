import { Message, Role, StreamResponse, TaskState } from '@a2a-js/sdk';
import { describe, expect, it } from 'vitest';
import { fromSdkMessage, ROLE, TASK_STATES, toSdkMessage } from '../../../src/agent/a2a/messages.ts';
import { TaskTracker } from '../../../src/agent/a2a/task-tracker.ts';
import type { A2AEvent } from '../../../src/agent/a2a/types.ts';

describe('between the SDK and plain objects', () => {
  it("names the SDK's enum values as the protocol does", () => {
    expect(ROLE).toEqual({ user: Role.ROLE_USER, agent: Role.ROLE_AGENT });
    const named = Object.entries(TaskState)
      .filter(([name, value]) => typeof value === 'number' && value > 0 && name.startsWith('TASK_STATE_'))
      .map(([name, value]) => [value, name.slice('TASK_STATE_'.length).toLowerCase().replace('_', '-')]);
    expect(named).toHaveLength(8);
    expect(Object.fromEntries(named)).toEqual(TASK_STATES);
  });

  it('keeps every part through the wire format', () => {
    const bytes = new Uint8Array([0, 127, 128, 255]);
    const message = toSdkMessage({
      parts: [
        { kind: 'text', text: 'hello' },
        { kind: 'file', bytes, name: 'a.bin', mediaType: 'application/octet-stream' },
        { kind: 'file', url: 'https://example.com/b.pdf', name: 'b.pdf' },
        { kind: 'data', data: { answer: 42 } },
      ],
      taskId: 't1',
    });
    const back = fromSdkMessage(Message.fromJSON(JSON.parse(JSON.stringify(Message.toJSON(message)))));
    expect(back).toEqual({
      role: 'user',
      messageId: message.messageId,
      parts: [
        { kind: 'text', text: 'hello' },
        { kind: 'file', bytes, name: 'a.bin', mediaType: 'application/octet-stream' },
        { kind: 'file', url: 'https://example.com/b.pdf', name: 'b.pdf' },
        { kind: 'data', data: { answer: 42 } },
      ],
    });
    // Plain bytes come out, not the SDK's Buffer.
    expect(Object.getPrototypeOf((back.parts[1] as { bytes: Uint8Array }).bytes)).toBe(Uint8Array.prototype);
  });
});

const event = (json: unknown) => StreamResponse.fromJSON(json);
const task = (state: string, extra = {}) => ({
  task: { id: 't1', contextId: 'c1', status: { state }, ...extra },
});
const status = (state: string, text?: string) => ({
  statusUpdate: {
    taskId: 't1',
    contextId: 'c1',
    status: {
      state,
      ...(text ? { message: { messageId: 'm', role: 'ROLE_AGENT', parts: [{ text }] } } : {}),
    },
  },
});
const chunk = (text: string, append: boolean) => ({
  artifactUpdate: { taskId: 't1', contextId: 'c1', append, artifact: { artifactId: 'a', parts: [{ text }] } },
});

describe('following a task', () => {
  it('joins appended text and ends on a terminal state', () => {
    const events: A2AEvent[] = [];
    const tracker = new TaskTracker('Agent', (e) => events.push(e));
    expect(tracker.apply(event(task('TASK_STATE_SUBMITTED')))).toBe(false);
    expect(tracker.apply(event(chunk('Hel', false)))).toBe(false);
    expect(tracker.apply(event(chunk('lo', true)))).toBe(false);
    expect(tracker.apply(event(status('TASK_STATE_COMPLETED', 'all done')))).toBe(true);
    expect(tracker.result()).toMatchObject({
      state: 'completed',
      taskId: 't1',
      contextId: 'c1',
      text: 'Hello\n\nall done',
    });
    expect(events.map((e) => e.type)).toEqual(['task', 'artifact', 'artifact', 'status']);
  });

  it("does not end on the task's old state when it answers a question the agent asked", () => {
    const tracker = new TaskTracker('Agent', undefined, { answering: true });
    expect(tracker.apply(event(task('TASK_STATE_INPUT_REQUIRED')))).toBe(false);
    expect(tracker.apply(event(status('TASK_STATE_WORKING')))).toBe(false);
    expect(tracker.apply(event(status('TASK_STATE_INPUT_REQUIRED', 'And the date?')))).toBe(true);
    expect(tracker.result()).toMatchObject({ state: 'input-required', text: 'And the date?' });
  });

  it('throws coded errors for a failed task and for an event of unknown kind', () => {
    const failed = new TaskTracker('Agent');
    failed.apply(event(status('TASK_STATE_REJECTED', 'not my job')));
    expect(() => failed.result()).toThrow(
      expect.objectContaining({
        code: 'A2A_TASK_FAILED',
        message: 'The A2A agent Agent refused the task: not my job.',
      }),
    );
    expect(() => new TaskTracker('Agent').apply(event({ progressReport: { percent: 5 } }))).toThrow(
      expect.objectContaining({ code: 'A2A_UNKNOWN_EVENT' }),
    );
  });
});
