import type { OutputEvent, OutputParser } from '../generation-hooks.ts';
import { ContentBuffer } from './content-buffer.ts';
import { MarkerScanner } from './marker-scanner.ts';
import { parsePythonCall } from './python-call.ts';
import { StreamedCall } from './streamed-call.ts';
import { ToolCallDeltas, type ToolCallIdFactory } from './tool-call-deltas.ts';

export const PYTHON_TAG = '<|python_tag|>';
const keys = { name: ['name'], arguments: ['parameters', 'arguments'] };
/** How a call object starts: what the grammar triggers on, so a call after some text is read too. */
const CALL_START = '{"name"';

type Mode = 'start' | 'text' | 'call' | 'between' | 'python';

/**
 * Llama 3.x calls: a reply that is a JSON object `{"name": ..., "parameters": {...}}` (several may
 * follow one another, separated by `;` or newlines), optionally after `<|python_tag|>`; and the
 * built-in tool form `<|python_tag|>brave_search.call(query="...")`. In plain text, a later
 * `<|python_tag|>` or `{"name"` still opens a call; an object that turns out not to be one stays text.
 */
export class Llama3ToolCallParser implements OutputParser {
  private readonly deltas: ToolCallDeltas;
  private readonly content = new ContentBuffer();
  private readonly scanner = new MarkerScanner([PYTHON_TAG, CALL_START]);
  private mode: Mode = 'start';
  private held = '';
  private call: StreamedCall | undefined;
  private python = '';

  constructor(newId?: ToolCallIdFactory) {
    this.deltas = new ToolCallDeltas(newId);
  }

  push(text: string): OutputEvent[] {
    const events: OutputEvent[] = [];
    let rest = text;
    while (rest) {
      switch (this.mode) {
        case 'start':
        case 'between': {
          // Decide from the first characters whether a call (or another call) follows.
          this.held += rest;
          rest = '';
          const trimmed = this.mode === 'between' ? this.held.replace(/^[\s;]+/, '') : this.held.trimStart();
          if (!trimmed) break;
          if (trimmed.startsWith(PYTHON_TAG)) {
            this.enterPython(trimmed.slice(PYTHON_TAG.length));
            rest = this.takeHeld();
          } else if (trimmed.startsWith('{')) {
            this.held = '';
            this.call = new StreamedCall(this.deltas, keys);
            this.mode = 'call';
            rest = trimmed;
          } else if (!PYTHON_TAG.startsWith(trimmed)) {
            // Separators after a call are not content; leading whitespace of a reply is kept.
            rest = this.mode === 'between' ? trimmed : this.held;
            this.mode = 'text';
            this.held = '';
          }
          break;
        }
        case 'call': {
          const call = this.call!;
          rest = call.take(rest, events);
          if (call.failed) {
            this.mode = 'text';
            events.push(...this.content.add(call.text));
          } else if (call.done) {
            this.content.markToolCall();
            this.mode = 'between';
          }
          break;
        }
        case 'python': {
          this.held += rest;
          rest = '';
          const trimmed = this.held.trimStart();
          if (trimmed.startsWith('{')) {
            this.held = '';
            this.call = new StreamedCall(this.deltas, keys);
            this.mode = 'call';
            rest = trimmed;
          } else {
            const newline = trimmed.indexOf('\n');
            if (newline >= 0) {
              events.push(...this.endPython(trimmed.slice(0, newline)));
              rest = trimmed.slice(newline);
            }
          }
          break;
        }
        case 'text': {
          const found = this.scanner.push(rest);
          events.push(...this.content.add(found.before));
          rest = '';
          if (found.marker === PYTHON_TAG) {
            this.content.dropPendingSpace();
            this.enterPython(found.rest);
            rest = this.takeHeld();
          } else if (found.marker === CALL_START) {
            this.call = new StreamedCall(this.deltas, keys);
            this.mode = 'call';
            rest = found.marker + found.rest;
          }
          break;
        }
      }
    }
    return events;
  }

  finish(): OutputEvent[] {
    const events: OutputEvent[] = [];
    if (this.mode === 'text') events.push(...this.content.add(this.scanner.flush()));
    else if (this.mode === 'python') events.push(...this.endPython(this.held.trim()));
    else if (this.mode === 'call' && this.call && !this.call.opened) {
      events.push(...this.content.add(this.call.text));
    } else if (this.held.trim() && this.mode === 'start') events.push(...this.content.add(this.held));
    this.held = '';
    events.push(...this.content.finish());
    return events;
  }

  private enterPython(after: string): void {
    this.mode = 'python';
    this.held = after;
  }

  private takeHeld(): string {
    const held = this.held;
    this.held = '';
    return held;
  }

  /** A built-in tool call (`name.call(k=v)`) ends at a newline or at the end of the reply. */
  private endPython(source: string): OutputEvent[] {
    this.held = '';
    this.mode = 'text';
    const call = parsePythonCall(source);
    if (!call) return this.content.add(PYTHON_TAG + source);
    const { index, event } = this.deltas.open(call.name);
    this.content.markToolCall();
    return [event, this.deltas.arguments(index, call.arguments)];
  }
}
