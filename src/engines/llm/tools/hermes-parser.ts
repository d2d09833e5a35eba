import type { OutputEvent, OutputParser } from '../generation-hooks.ts';
import { ContentBuffer } from './content-buffer.ts';
import { MarkerScanner } from './marker-scanner.ts';
import { StreamedCall } from './streamed-call.ts';
import { ToolCallDeltas, type ToolCallIdFactory } from './tool-call-deltas.ts';

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

type Mode = 'text' | 'call' | 'closing';

/**
 * Hermes / Qwen calls: `<tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>`, any number
 * of them, with plain text around. Text inside the tags that is not a call object is given back as
 * content, tags included, so nothing the model wrote is lost.
 */
export class HermesToolCallParser implements OutputParser {
  private readonly deltas: ToolCallDeltas;
  private readonly content = new ContentBuffer();
  private readonly openScanner = new MarkerScanner([OPEN]);
  private mode: Mode = 'text';
  private call: StreamedCall | undefined;
  private closing = '';
  private spaceBeforeCall = '';

  constructor(newId?: ToolCallIdFactory) {
    this.deltas = new ToolCallDeltas(newId);
  }

  push(text: string): OutputEvent[] {
    const events: OutputEvent[] = [];
    let rest = text;
    while (rest) {
      if (this.mode === 'text') {
        const found = this.openScanner.push(rest);
        events.push(...this.content.add(found.before));
        if (found.marker === undefined) break;
        this.spaceBeforeCall = this.content.dropPendingSpace();
        this.call = new StreamedCall(this.deltas);
        this.mode = 'call';
        rest = found.rest;
      } else if (this.mode === 'call') {
        const call = this.call!;
        rest = call.take(rest, events);
        if (call.failed) {
          // Not a call after all: the tag and what followed go back out as text.
          this.mode = 'text';
          events.push(...this.content.add(this.spaceBeforeCall + OPEN + call.text));
          continue;
        }
        if (!call.done) break;
        this.content.markToolCall();
        this.mode = 'closing';
        this.closing = '';
      } else {
        // Between the object and `</tool_call>`: whitespace, then the tag. Anything else ends the call.
        this.closing += rest;
        rest = '';
        const trimmed = this.closing.trimStart();
        if (trimmed.startsWith(CLOSE)) {
          rest = trimmed.slice(CLOSE.length);
          this.mode = 'text';
        } else if (trimmed && !CLOSE.startsWith(trimmed)) {
          rest = trimmed;
          this.mode = 'text';
        }
      }
    }
    return events;
  }

  finish(): OutputEvent[] {
    const events: OutputEvent[] = [];
    if (this.mode === 'text') events.push(...this.content.add(this.openScanner.flush()));
    else if (this.mode === 'call' && this.call && !this.call.opened) {
      events.push(...this.content.add(this.spaceBeforeCall + OPEN + this.call.text));
    }
    events.push(...this.content.finish());
    return events;
  }
}
