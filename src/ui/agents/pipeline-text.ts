import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Pipeline, PipelineCheck } from '../../runtime/index.ts';

/**
 * The pipeline editor's checks, as the person types: the JSON itself first (with the line and column
 * of the first mistake), then the runtime's own pipeline check (`hearth.agents.validatePipeline`),
 * each problem with its JSON path and where that path is in the text, so the editor can select it.
 */
export interface TextProblem {
  /** `agents[0].tools[1]`, or empty for the JSON's own syntax. */
  path: string;
  message: string;
  code: string;
  /** Where in the text: what the editor selects when the problem is chosen. */
  offset: number;
  length: number;
  line: number;
  column: number;
}

export type PipelineTextCheck = { ok: true; pipeline: Pipeline } | { ok: false; problems: TextProblem[] };

const syntaxMessages: Record<string, string> = {
  InvalidSymbol: 'this is not JSON here',
  InvalidNumberFormat: 'this number is not written the JSON way',
  PropertyNameExpected: 'a property name in double quotes should come here',
  ValueExpected: 'a value should come here',
  ColonExpected: 'a colon (:) should come here',
  CommaExpected: 'a comma should come here',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'nothing may follow the pipeline’s closing }',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'a string is not closed with "',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'a \\u escape is not valid',
  InvalidEscapeCharacter: 'a \\ escape is not valid',
  InvalidCharacter: 'a string holds a character JSON does not allow (a line break, say)',
};

const strict = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

export function checkPipelineText(
  text: string,
  validate: (json: unknown) => PipelineCheck,
): PipelineTextCheck {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, strict);
  if (errors.length > 0 || !tree) {
    const error = errors[0];
    const name = error ? printParseErrorCode(error.error) : 'ValueExpected';
    const offset = error?.offset ?? 0;
    const at = position(text, offset);
    return {
      ok: false,
      problems: [
        {
          path: '',
          code: 'JSON_SYNTAX',
          message: `${syntaxMessages[name] ?? 'this is not valid JSON'}.`.replace(/^./, (c) =>
            c.toUpperCase(),
          ),
          offset,
          length: Math.max(error?.length ?? 0, 1),
          ...at,
        },
      ],
    };
  }
  // The tree holds the same value JSON.parse would give, since no comment or trailing comma passed.
  const check = validate(JSON.parse(text));
  if (check.ok) return check;
  return {
    ok: false,
    problems: check.problems.map((problem) => {
      const node = nearestNode(tree, problem.path);
      const at = position(text, node.offset);
      return {
        path: formatPath(problem.path),
        code: problem.code,
        message: problem.message,
        offset: node.offset,
        length: node.length,
        ...at,
      };
    }),
  };
}

/** `['agents', 0, 'tools', 1]` → `agents[0].tools[1]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key),
    '',
  );
}

/** The node at `path`, or the deepest one that exists on the way (a missing key points at its object). */
function nearestNode(tree: Node, path: ReadonlyArray<string | number>): Node {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as Array<string | number>);
    if (node) {
      // A property's value is found; select its key and value together when it is an object member.
      return node.parent?.type === 'property' ? node.parent : node;
    }
  }
  return tree;
}

/** 1-based line and column of an offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * The text with `tool` added to an agent's `tools`, the rest of the text (its layout, its other
 * values) left as the person wrote it. Unchanged when the agent already has it.
 */
export function addToolToAgent(text: string, pipeline: Pipeline, agent: string, tool: string): string {
  const index = pipeline.agents.findIndex((node) => node.name === agent);
  const node = pipeline.agents[index];
  if (!node || node.kind === 'fan_out' || node.tools.includes(tool)) return text;
  const tree = parseTree(text, [], strict);
  const list = tree && findNodeAtLocation(tree, ['agents', index, 'tools']);
  const path = list ? ['agents', index, 'tools', list.children?.length ?? 0] : ['agents', index, 'tools'];
  const value = list ? tool : [tool];
  const edits = modify(text, path, value, {
    isArrayInsertion: Boolean(list),
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  return applyEdits(text, edits);
}
