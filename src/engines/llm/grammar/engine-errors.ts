import { HearthError } from '../../../core/errors.ts';
import { takeGrammarEngineMessage } from './xgrammar-module.ts';

/**
 * Runs a call into the grammar engine; when it aborts, the reason it printed becomes a
 * `GRAMMAR_REJECTED` error (the engine itself only says "Aborted()").
 */
export async function withEngineErrors<T>(what: string, run: () => Promise<T>): Promise<T> {
  takeGrammarEngineMessage();
  try {
    return await run();
  } catch (error) {
    const reason =
      takeGrammarEngineMessage() ??
      (error instanceof Error ? error.message : 'it gave no reason (an internal exception)');
    throw new HearthError(
      'GRAMMAR_REJECTED',
      `The grammar engine cannot compile the ${what}: ${reason}. Simplify the schema (supported: type, ` +
        'properties, required, items, enum, const, anyOf, $ref/$defs, min/max bounds, pattern).',
      { cause: error },
    );
  }
}
