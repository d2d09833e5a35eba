/**
 * Between the SDK's protobuf-shaped objects and the bridge's plain ones. Only types come from the SDK: its enums
 * are protobuf numbers that never change meaning, written out here (tests/unit/agent/a2a-messages.test.ts checks
 * them against the SDK) so that this file does not drag the SDK into the page's first chunk.
 */
import type { Artifact, Message, Part, TaskStatus } from '@a2a-js/sdk';
import type { NormalizedInput } from './input.ts';
import type { A2AArtifact, A2AMessage, A2APart, A2ATaskState } from './types.ts';

/** lf.a2a.v1.Role */
export const ROLE = { user: 1, agent: 2 } as const;

/** lf.a2a.v1.TaskState */
export const TASK_STATES: Readonly<Record<number, A2ATaskState>> = {
  1: 'submitted',
  2: 'working',
  3: 'completed',
  4: 'failed',
  5: 'canceled',
  6: 'input-required',
  7: 'rejected',
  8: 'auth-required',
};

export const taskStateOf = (status: TaskStatus | undefined): A2ATaskState =>
  (status && TASK_STATES[status.state]) || 'unknown';

/** The task will not change any more. */
export const isTerminal = (state: A2ATaskState) =>
  state === 'completed' || state === 'failed' || state === 'canceled' || state === 'rejected';

/** The task waits for the user: the call ends and hands the question back. */
export const isInterrupted = (state: A2ATaskState) => state === 'input-required' || state === 'auth-required';

export function toSdkMessage(input: NormalizedInput): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId: input.contextId ?? '',
    taskId: input.taskId ?? '',
    role: ROLE.user,
    parts: input.parts.map(toSdkPart),
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

type RawBytes = Extract<Part['content'], { $case: 'raw' }>['value'];

function toSdkPart(part: A2APart): Part {
  const base = { metadata: undefined, filename: '', mediaType: '' };
  switch (part.kind) {
    case 'text':
      return { ...base, content: { $case: 'text', value: part.text } };
    case 'data':
      return { ...base, mediaType: 'application/json', content: { $case: 'data', value: part.data } };
    case 'file': {
      const file = { ...base, filename: part.name ?? '', mediaType: part.mediaType ?? '' };
      // The SDK types raw bytes as Node's Buffer; it only ever base64-encodes them (through sdk-buffer.ts here).
      if ('bytes' in part)
        return { ...file, content: { $case: 'raw', value: part.bytes as unknown as RawBytes } };
      return { ...file, content: { $case: 'url', value: part.url } };
    }
  }
}

/** Parts of a kind the SDK could not read (a newer protocol's) are left out. */
export function fromSdkParts(parts: readonly Part[]): A2APart[] {
  const out: A2APart[] = [];
  for (const part of parts) {
    const content = part.content;
    const file = {
      ...(part.filename ? { name: part.filename } : {}),
      ...(part.mediaType ? { mediaType: part.mediaType } : {}),
    };
    if (content?.$case === 'text') out.push({ kind: 'text', text: content.value });
    else if (content?.$case === 'data') out.push({ kind: 'data', data: content.value as unknown });
    else if (content?.$case === 'url') out.push({ kind: 'file', url: content.value, ...file });
    // A copy: plain bytes, not the SDK's Buffer stand-in.
    else if (content?.$case === 'raw')
      out.push({ kind: 'file', bytes: new Uint8Array(content.value), ...file });
  }
  return out;
}

export function fromSdkMessage(message: Message): A2AMessage {
  return {
    role: message.role === ROLE.user ? 'user' : 'agent',
    parts: fromSdkParts(message.parts ?? []),
    messageId: message.messageId,
  };
}

export function fromSdkArtifact(artifact: Artifact): A2AArtifact {
  return {
    id: artifact.artifactId,
    name: artifact.name ?? '',
    description: artifact.description ?? '',
    parts: fromSdkParts(artifact.parts ?? []),
  };
}

/**
 * The text parts run together: an answer streamed in chunks is stored by agents as one text part per chunk, so
 * the parts of a finished task read back only when joined as they came.
 */
export function textOf(parts: readonly A2APart[]): string {
  return parts
    .filter((part): part is Extract<A2APart, { kind: 'text' }> => part.kind === 'text')
    .map((part) => part.text)
    .join('');
}
