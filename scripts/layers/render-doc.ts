import layers from './layers.json' with { type: 'json' };

export const LAYER_DOC_BEGIN = '<!-- layers:begin (generated from scripts/layers/layers.json) -->';
export const LAYER_DOC_END = '<!-- layers:end -->';

type Matrix = typeof layers;

/** The import matrix as Markdown, printed between the markers in docs/architecture.md. */
export function renderLayerDoc(matrix: Matrix = layers): string {
  const lines: string[] = [LAYER_DOC_BEGIN, ''];
  for (const layer of matrix.layers) {
    const where = 'filesOnly' in layer && layer.filesOnly ? `\`${layer.path}/*.ts\`` : `\`${layer.path}/\``;
    lines.push(`- ${where}: ${layer.job}`);
    const imports = Object.entries(layer.imports as Record<string, string>).map(([target, kind]) =>
      kind === 'types' ? `\`${target}\` (types only)` : `\`${target}\``,
    );
    lines.push(`  - may import: ${imports.length > 0 ? imports.join(', ') : 'nothing of ours'}`);
    if ('face' in layer && layer.face) {
      lines.push(
        `  - imported from outside only through: ${layer.face.map((file) => `\`${file}\``).join(', ')}`,
      );
    }
  }
  lines.push(
    `- ${matrix.targetsOnly.map((path) => `\`${path}/\``).join(', ')}: may import anything; nothing above imports them`,
  );
  if (matrix.exceptions.length > 0) {
    lines.push('', 'Exceptions, each with its reason:', '');
    for (const exception of matrix.exceptions) {
      lines.push(`- \`${exception.file}\` imports \`${exception.imports}/\`: ${exception.why}`);
    }
  }
  lines.push('', LAYER_DOC_END);
  return lines.join('\n');
}

/** `text` with its generated section replaced by `section`. */
export function replaceLayerDoc(text: string, section: string): string {
  const begin = text.indexOf(LAYER_DOC_BEGIN);
  const end = text.indexOf(LAYER_DOC_END);
  if (begin < 0 || end < begin) throw new Error('docs/architecture.md has no layers section markers');
  return text.slice(0, begin) + section + text.slice(end + LAYER_DOC_END.length);
}
