import { expect } from 'vitest';
import type { OutputEvent, OutputParser } from '../../../src/engines/llm/generation-hooks.ts';

export interface Collected {
  content: string;
  calls: Array<{ id: string; name: string; arguments: string }>;
}

/** Feeds `text` in pieces of `size` characters (never splitting a character, as the detokenizer never does). */
export function streamThrough(parser: OutputParser, text: string, size: number): OutputEvent[] {
  const chars = Array.from(text);
  const events: OutputEvent[] = [];
  for (let i = 0; i < chars.length; i += size) events.push(...parser.push(chars.slice(i, i + size).join('')));
  events.push(...parser.finish());
  return events;
}

/** Folds events into content and calls, checking the deltas have OpenAI's stream shape on the way. */
export function collect(events: OutputEvent[]): Collected {
  const out: Collected = { content: '', calls: [] };
  for (const event of events) {
    if (event.type === 'content') {
      out.content += event.text;
      continue;
    }
    const { delta } = event;
    if (delta.index === out.calls.length) {
      expect(delta.id, 'first delta of a call has an id').toMatch(/^call_/);
      expect(delta.type).toBe('function');
      expect(delta.function?.arguments).toBe('');
      out.calls.push({ id: delta.id!, name: delta.function!.name!, arguments: '' });
    } else {
      expect(delta.index, 'deltas continue an open call').toBeLessThan(out.calls.length);
      expect(delta.id).toBeUndefined();
      expect(delta.function?.name).toBeUndefined();
      out.calls[delta.index]!.arguments += delta.function!.arguments!;
    }
  }
  return out;
}

export function counterIds(): () => string {
  let n = 0;
  return () => `call_${n++}`;
}
