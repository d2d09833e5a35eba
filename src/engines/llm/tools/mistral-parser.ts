import type { OutputEvent, OutputParser } from '../generation-hooks.ts';
import { ContentBuffer } from './content-buffer.ts';
import { JsonValueScanner } from './json-value-scanner.ts';
import { MarkerScanner } from './marker-scanner.ts';
import { StreamedCall } from './streamed-call.ts';
import { ToolCallDeltas, type ToolCallIdFactory } from './tool-call-deltas.ts';

export const TOOL_CALLS = '[TOOL_CALLS]';
const ARGS = '[ARGS]';

type Mode = 'start' | 'text' | 'after-marker' | 'array' | 'array-next' | 'named' | 'bare-args';

/**
 * Mistral calls: `[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]` (the array may hold several),
 * and the newer `[TOOL_CALLS]name[ARGS]{...}` / `[TOOL_CALLS]name{...}`, possibly repeated. When the
 * decoder drops `[TOOL_CALLS]` as a special token, a reply that starts with `[{` is read as calls too.
 */
export class MistralToolCallParser implements OutputParser {
  private readonly deltas: ToolCallDeltas;
  private readonly content = new ContentBuffer();
  private readonly scanner = new MarkerScanner([TOOL_CALLS]);
  private mode: Mode = 'start';
  private held = '';
  private call: StreamedCall | undefined;
  private bare: { index: number; scanner: JsonValueScanner; started: boolean } | undefined;
  /** Text read since the group of calls began, given back whole if its first call is not one. */
  private group = '';
  private groupOpened = false;

  constructor(newId?: ToolCallIdFactory) {
    this.deltas = new ToolCallDeltas(newId);
  }

  push(text: string): OutputEvent[] {
    const events: OutputEvent[] = [];
    let rest = text;
    while (rest) {
      switch (this.mode) {
        case 'start': {
          this.held += rest;
          rest = '';
          const trimmed = this.held.trimStart();
          if (/^\[\s*$/.test(trimmed) || TOOL_CALLS.startsWith(trimmed)) break;
          if (/^\[\s*\{/.test(trimmed)) {
            // The decoder may drop `[TOOL_CALLS]` (a special token): a reply opening with `[{` is calls.
            this.beginGroup(this.held.slice(0, this.held.length - trimmed.length + 1));
            this.held = '';
            this.mode = 'array';
            rest = trimmed.slice(1);
          } else {
            this.mode = 'text';
            rest = this.takeHeld();
          }
          break;
        }
        case 'text': {
          const found = this.scanner.push(rest);
          events.push(...this.content.add(found.before));
          rest = found.rest;
          if (found.marker === undefined) break;
          this.beginGroup(this.content.dropPendingSpace() + TOOL_CALLS);
          this.mode = 'after-marker';
          break;
        }
        case 'after-marker': {
          const trimmed = rest.trimStart();
          this.group += rest.slice(0, rest.length - trimmed.length);
          rest = trimmed;
          if (!trimmed) break;
          if (trimmed.startsWith('[')) {
            this.group += '[';
            this.mode = 'array';
            rest = trimmed.slice(1);
          } else if (trimmed.startsWith('{')) this.mode = 'array';
          else this.mode = 'named';
          break;
        }
        case 'array': {
          // Inside `[`: a call object, then `,` and another, or `]`.
          const trimmed = this.call ? rest : rest.replace(/^[\s,]+/, '');
          this.group += rest.slice(0, rest.length - trimmed.length);
          rest = trimmed;
          if (!trimmed) break;
          if (!this.call && trimmed.startsWith(']')) {
            this.endGroup();
            rest = trimmed.slice(1);
            break;
          }
          this.call ??= new StreamedCall(this.deltas);
          rest = this.call.take(trimmed, events);
          this.group += trimmed.slice(0, trimmed.length - rest.length);
          if (this.call.opened) this.groupOpened = true;
          if (this.call.failed) events.push(...this.giveBack(this.call.text));
          else if (this.call.done) {
            this.content.markToolCall();
            this.call = undefined;
          }
          break;
        }
        case 'named': {
          this.held += rest;
          rest = '';
          const match = /^([A-Za-z_][\w.-]*)\s*(\[ARGS\]|\{)/.exec(this.held);
          if (!match) {
            if (!/^[A-Za-z_][\w.-]*\s*(\[(A(R(G(S\]?)?)?)?)?)?$/.test(this.held)) {
              events.push(...this.giveBack(this.takeHeld()));
            }
            break;
          }
          const { index, event } = this.deltas.open(match[1]!);
          this.groupOpened = true;
          events.push(event);
          this.bare = { index, scanner: new JsonValueScanner(), started: false };
          this.mode = 'bare-args';
          rest = this.held.slice(match[0].length - (match[2] === ARGS ? 0 : 1));
          this.held = '';
          break;
        }
        case 'bare-args': {
          const bare = this.bare!;
          const used = bare.scanner.push(rest);
          // Whitespace before the opening brace is layout; inside the value every character counts.
          const piece = bare.started ? rest.slice(0, used) : rest.slice(0, used).trimStart();
          if (piece) {
            bare.started = true;
            events.push(this.deltas.arguments(bare.index, piece));
          }
          rest = rest.slice(used);
          if (bare.scanner.done || bare.scanner.failed) {
            this.content.markToolCall();
            this.endGroup();
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
    else if (this.mode === 'start') events.push(...this.content.add(this.held));
    else if (this.mode === 'named') events.push(...this.giveBack(this.held));
    else if ((this.mode === 'array' || this.mode === 'after-marker') && !this.groupOpened) {
      events.push(...this.giveBack(this.call?.text ?? ''));
    }
    this.held = '';
    events.push(...this.content.finish());
    return events;
  }

  private beginGroup(opening: string): void {
    this.group = opening;
    this.groupOpened = false;
  }

  /** After the calls: more text may follow, and another `[TOOL_CALLS]`. */
  private endGroup(): void {
    this.mode = 'text';
    this.call = undefined;
    this.bare = undefined;
    this.group = '';
  }

  /** What looked like a call was text: give it back (the whole group if nothing in it was a call). */
  private giveBack(text: string): OutputEvent[] {
    const back = this.groupOpened ? text : this.group.endsWith(text) ? this.group : this.group + text;
    this.endGroup();
    return this.content.add(back);
  }

  private takeHeld(): string {
    const held = this.held;
    this.held = '';
    return held;
  }
}
