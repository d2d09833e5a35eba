import type { ToolCallDelta } from '../contract.ts';
import type { OutputEvent } from '../generation-hooks.ts';

export type ToolCallIdFactory = () => string;

/** OpenAI-style ids (`call_` + 24 random letters and digits). */
export const randomToolCallId: ToolCallIdFactory = () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let id = 'call_';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
};

/**
 * Numbers the calls of one turn and shapes their deltas the way OpenAI streams them: the first
 * delta of a call carries `index`, `id`, `type` and the function name with empty arguments; the
 * next ones carry only `index` and a piece of the arguments.
 */
export class ToolCallDeltas {
  private next = 0;

  constructor(private readonly newId: ToolCallIdFactory = randomToolCallId) {}

  get count(): number {
    return this.next;
  }

  /** Opens a call; returns its index and the opening event. */
  open(name: string): { index: number; event: OutputEvent } {
    const index = this.next++;
    const delta: ToolCallDelta = {
      index,
      id: this.newId(),
      type: 'function',
      function: { name, arguments: '' },
    };
    return { index, event: { type: 'tool_call', delta } };
  }

  arguments(index: number, text: string): OutputEvent {
    return { type: 'tool_call', delta: { index, function: { arguments: text } } };
  }
}
