import type { OutputEvent } from '../generation-hooks.ts';
import { JsonCallReader, defaultCallKeys, type CallKeys } from './json-call-reader.ts';
import type { ToolCallDeltas } from './tool-call-deltas.ts';

/**
 * One call being read from the stream: opens its OpenAI delta as soon as the name is known and
 * passes the arguments on as they are written. A text that turns out not to be a call (no name, not
 * an object) opens nothing, so the parser can hand it back as plain content.
 */
export class StreamedCall {
  private readonly reader: JsonCallReader;
  private index: number | undefined;

  constructor(
    private readonly deltas: ToolCallDeltas,
    keys: CallKeys = defaultCallKeys,
  ) {
    this.reader = new JsonCallReader(keys);
  }

  get done(): boolean {
    return this.reader.done || this.reader.failed;
  }

  /** True when what was read is not a call; `text` then holds it verbatim. */
  get failed(): boolean {
    return this.reader.failed;
  }

  get opened(): boolean {
    return this.index !== undefined;
  }

  get text(): string {
    return this.reader.text;
  }

  /** Feeds text, adds the call's events to `events`, and returns the text after the call's part. */
  take(text: string, events: OutputEvent[]): string {
    const { used, events: callEvents } = this.push(text);
    events.push(...callEvents);
    return text.slice(used);
  }

  /** Feeds text; `used` is how much of it belonged to this call. */
  push(text: string): { used: number; events: OutputEvent[] } {
    const used = this.reader.push(text);
    return { used, events: this.drain() };
  }

  private drain(): OutputEvent[] {
    const events: OutputEvent[] = [];
    if (this.reader.failed) return events;
    if (this.index === undefined && this.reader.name) {
      const { index, event } = this.deltas.open(this.reader.name);
      this.index = index;
      events.push(event);
    }
    if (this.index === undefined) return events;
    let args = this.reader.takeArguments();
    if (this.reader.done && !this.reader.hasArguments) args = '{}';
    if (this.reader.done && args === 'null') args = '{}';
    if (args) events.push(this.deltas.arguments(this.index, args));
    return events;
  }
}
