/**
 * An `A2AEvent` as a run reports it: one line a person reads, and the event with file bytes replaced by their
 * size (the result keeps the bytes; events are for showing progress, and may be copied many times).
 */
import type { A2AEvent, A2AMessage, A2APart } from './types.ts';

export type A2APartSummary =
  Exclude<A2APart, { bytes: Uint8Array }> | { kind: 'file'; name?: string; mediaType?: string; size: number };

export type A2AMessageSummary = Omit<A2AMessage, 'parts'> & { parts: A2APartSummary[] };

/** The same events, file bytes left out. */
export type A2AEventSummary =
  | Exclude<A2AEvent, { type: 'status' | 'artifact' | 'message' }>
  | (Omit<Extract<A2AEvent, { type: 'status' }>, 'message'> & { message?: A2AMessageSummary })
  | (Omit<Extract<A2AEvent, { type: 'artifact' }>, 'artifact'> & {
      artifact: Omit<Extract<A2AEvent, { type: 'artifact' }>['artifact'], 'parts'> & {
        parts: A2APartSummary[];
      };
    })
  | { type: 'message'; message: A2AMessageSummary };

export function summarizeA2AEvent(event: A2AEvent): { text: string; update: A2AEventSummary } {
  switch (event.type) {
    case 'task':
      return { text: `task ${event.state}`, update: event };
    case 'status': {
      const { message, ...rest } = event;
      return {
        text: event.text ? `${event.state}: ${event.text}` : event.state,
        update: message ? { ...rest, message: messageSummary(message) } : rest,
      };
    }
    case 'artifact':
      return {
        text: `artifact ${event.artifact.name || event.artifact.id}`,
        update: { ...event, artifact: { ...event.artifact, parts: partsSummary(event.artifact.parts) } },
      };
    case 'message':
      return { text: 'reply', update: { type: 'message', message: messageSummary(event.message) } };
    case 'reconnect':
      return {
        text: `stream lost (${event.reason}); following the task again (attempt ${event.attempt})`,
        update: event,
      };
    case 'cancel':
      return {
        text: event.confirmed ? 'task canceled on the agent' : 'the agent did not confirm the cancel',
        update: event,
      };
  }
}

function partsSummary(parts: readonly A2APart[]): A2APartSummary[] {
  return parts.map((part) =>
    part.kind === 'file' && 'bytes' in part
      ? {
          kind: 'file',
          ...(part.name !== undefined ? { name: part.name } : {}),
          ...(part.mediaType !== undefined ? { mediaType: part.mediaType } : {}),
          size: part.bytes.byteLength,
        }
      : part,
  );
}

function messageSummary(message: A2AMessage): A2AMessageSummary {
  return { ...message, parts: partsSummary(message.parts) };
}
