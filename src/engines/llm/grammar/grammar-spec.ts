import type { StructuralTag } from '@mlc-ai/web-xgrammar';

/**
 * A grammar to compile, in a form that is also its cache key. JSON is written compactly on one line
 * (`{"a": 1, "b": 2}`, the layout of Python's json.dumps): allowing any whitespace lets a small model
 * wander into endless blank lines, which is valid JSON that never ends.
 */
export type GrammarSpec =
  | { kind: 'json_object' }
  | { kind: 'json_schema'; schema: Record<string, unknown> }
  | { kind: 'structural_tag'; tag: StructuralTag };

export function grammarKey(spec: GrammarSpec): string {
  return JSON.stringify(spec);
}

export const jsonSeparators: [string, string] = [', ', ': '];
