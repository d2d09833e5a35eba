/** Keys that name the function and hold its arguments, in the formats Hearth reads. */
export interface CallKeys {
  name: readonly string[];
  arguments: readonly string[];
}

export const defaultCallKeys: CallKeys = { name: ['name'], arguments: ['arguments', 'parameters'] };

type Phase = 'start' | 'key' | 'colon' | 'value' | 'after-value' | 'done';
type ValueKind = 'container' | 'string' | 'primitive';

/**
 * Reads one JSON object describing a call (`{"name": ..., "arguments": {...}}`) from text that
 * arrives in pieces, without waiting for the whole object: the name is known as soon as its string
 * closes, and an object-valued `arguments` can be streamed while it is still being written.
 * It only tracks structure (strings, escapes, nesting); the arguments text is passed on verbatim.
 */
export class JsonCallReader {
  private raw = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private phase: Phase = 'start';
  private key: string | undefined;
  private tokenStart = -1;
  private valueKind: ValueKind | undefined;
  private argumentsStart = -1;
  private argumentsEnd = -1;
  private argumentsTaken = -1;
  private argumentsText: string | undefined;
  private nameValue: string | undefined;
  private malformed = false;

  constructor(private readonly keys: CallKeys = defaultCallKeys) {}

  /** The function name, once its string has closed. */
  get name(): string | undefined {
    return this.nameValue;
  }

  /** True once the object's closing brace has been read. */
  get done(): boolean {
    return this.phase === 'done';
  }

  /** True when the text is not a JSON object of the expected shape. */
  get failed(): boolean {
    return this.malformed || (this.done && (this.nameValue === undefined || this.nameValue === ''));
  }

  /** Everything consumed so far, verbatim. */
  get text(): string {
    return this.raw;
  }

  /** Consumes text until the object closes; returns how many characters of `text` it used. */
  push(text: string): number {
    let used = 0;
    for (const char of text) {
      if (this.phase === 'done' || this.malformed) break;
      this.step(char);
      used += char.length;
    }
    return used;
  }

  /**
   * Arguments text that is new since the last call. Object and array arguments come out while
   * they are written; a string value (arguments sent as a JSON string) comes out decoded once it closes.
   */
  takeArguments(): string {
    if (this.argumentsText !== undefined) {
      const text = this.argumentsTaken < 0 ? this.argumentsText : '';
      this.argumentsTaken = Number.MAX_SAFE_INTEGER;
      return text;
    }
    if (this.argumentsStart < 0) return '';
    const from = Math.max(this.argumentsStart, this.argumentsTaken);
    const to = this.argumentsEnd >= 0 ? this.argumentsEnd : this.raw.length;
    this.argumentsTaken = to;
    return this.raw.slice(from, to);
  }

  /** Whether the object had an arguments key at all (a call without one has `{}`). */
  get hasArguments(): boolean {
    return this.argumentsStart >= 0 || this.argumentsText !== undefined;
  }

  private keyIs(kind: keyof CallKeys): boolean {
    return this.key !== undefined && this.keys[kind].includes(this.key);
  }

  private step(char: string): void {
    const index = this.raw.length;
    this.raw += char;
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') {
        this.inString = false;
        if (this.depth === 1) this.stringClosed(index + 1);
      }
      return;
    }
    const space = char === ' ' || char === '\n' || char === '\r' || char === '\t';
    if (this.phase === 'start') {
      if (char === '{') {
        this.depth = 1;
        this.phase = 'key';
      } else if (!space) this.malformed = true;
      return;
    }
    if (this.depth === 1 && this.valueKind === 'primitive' && (space || char === ',' || char === '}')) {
      this.valueClosed(index);
    }
    if (char === '"') {
      this.inString = true;
      if (this.depth === 1) {
        if (this.phase === 'key' || this.phase === 'value') this.tokenStart = index;
        if (this.phase === 'value') this.valueKind = 'string';
        else if (this.phase !== 'key') this.malformed = true;
      }
      return;
    }
    if (char === '{' || char === '[') {
      if (this.depth === 1) {
        if (this.phase !== 'value') {
          this.malformed = true;
          return;
        }
        this.valueKind = 'container';
        this.tokenStart = index;
        if (this.keyIs('arguments')) this.argumentsStart = index;
      }
      this.depth++;
      return;
    }
    if (char === '}' || char === ']') {
      this.depth--;
      if (this.depth === 1) this.valueClosed(index + 1);
      else if (this.depth === 0) {
        if (char !== '}' || this.phase === 'colon' || (this.phase === 'value' && !this.valueKind)) {
          this.malformed = true;
        }
        this.phase = 'done';
      }
      return;
    }
    if (this.depth !== 1 || space) return;
    if (char === ':' && this.phase === 'colon') this.phase = 'value';
    else if (char === ',' && this.phase === 'after-value') this.phase = 'key';
    else if (this.phase === 'value' && !this.valueKind) {
      this.valueKind = 'primitive';
      this.tokenStart = index;
    } else if (!(this.phase === 'value' && this.valueKind === 'primitive')) this.malformed = true;
  }

  private stringClosed(end: number): void {
    if (this.phase === 'key') {
      this.key = decodeJsonString(this.raw.slice(this.tokenStart, end));
      this.phase = 'colon';
    } else if (this.phase === 'value') this.valueClosed(end);
  }

  private valueClosed(end: number): void {
    const value = this.raw.slice(this.tokenStart, end);
    if (this.keyIs('name') && this.valueKind === 'string') this.nameValue = decodeJsonString(value);
    else if (this.keyIs('arguments') && this.valueKind === 'container') this.argumentsEnd = end;
    else if (this.keyIs('arguments')) {
      // Arguments sent as a JSON string hold the JSON text itself; other primitives pass verbatim.
      this.argumentsText = this.valueKind === 'string' ? (decodeJsonString(value) ?? value) : value;
    }
    this.phase = 'after-value';
    this.valueKind = undefined;
  }
}

function decodeJsonString(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
