import { withEngineErrors } from './engine-errors.ts';
import { jsonSeparators } from './grammar-spec.ts';
import { loadXGrammar } from './xgrammar-module.ts';

/**
 * A JSON schema as EBNF text, for compact one-line JSON (see grammar-spec.ts for why).
 *
 * xgrammar 0.1.27 writes strings with a length bound (minLength/maxLength) as `[^"\\\r\n]{n,m}`,
 * which lets control characters such as a tab or U+0001 through raw; JSON forbids them in strings
 * and every JSON.parse rejects the result. The character class is narrowed to what JSON allows.
 */
export async function jsonSchemaEbnf(
  schema: Record<string, unknown>,
  what: string,
  strict = true,
): Promise<string> {
  const xg = await loadXGrammar();
  return withEngineErrors(what, async () => {
    const grammar = await xg.Grammar.fromJSONSchema(
      JSON.stringify(schema),
      false,
      -1,
      jsonSeparators,
      strict,
    );
    try {
      return grammar.toString().replaceAll('[^\\"\\\\\\r\\n]', '[^\\0-\\x1f\\"\\\\\\r\\n]');
    } finally {
      grammar.dispose();
    }
  });
}
