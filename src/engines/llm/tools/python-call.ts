/**
 * Llama 3.1 built-in tools are called in Python syntax: `brave_search.call(query="weather in Paris")`.
 * Reads that form into a name and JSON arguments; anything else is not a call.
 */
export function parsePythonCall(source: string): { name: string; arguments: string } | undefined {
  const match = /^([A-Za-z_]\w*)\.call\(([\s\S]*)\)\s*$/.exec(source.trim());
  if (!match) return undefined;
  const [, name, body] = match as unknown as [string, string, string];
  const args: Record<string, unknown> = {};
  const argument = /\s*([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,]+?)\s*(?:,|$)/gy;
  let rest = body.trim();
  let found: RegExpExecArray | null;
  while (rest && (found = argument.exec(rest)) !== null) {
    args[found[1]!] = pythonValue(found[2]!);
    if (argument.lastIndex >= rest.length) rest = '';
  }
  if (rest && argument.lastIndex < rest.length) return undefined;
  return { name, arguments: JSON.stringify(args) };
}

function pythonValue(text: string): unknown {
  if (text.startsWith('"') || text.startsWith("'")) {
    const inner = text.slice(1, -1);
    return inner.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
  }
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'None') return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}
