import type { AgentTool, PipelineProblem } from '../../runtime/index.ts';
import { hearthChatError } from './errors.ts';

/**
 * The `agent` attribute: a pipeline, written as JSON in the attribute or given as an object to the
 * property. It is read here into a plain object; the pipeline format itself belongs to src/agent,
 * whose check (`hearth.agents.validatePipeline`, which also knows the registered tools) runs as soon
 * as the page's engine is there (see hearth-chat.ts).
 */
export type AgentPipelineInput = Record<string, unknown>;

export function readAgentPipeline(value: unknown): AgentPipelineInput | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw hearthChatError(
        'HEARTH_CHAT_INVALID_ATTRIBUTE',
        'The `agent` attribute is not valid JSON: write the pipeline as a JSON object, or set the `agent` property to an object.',
        { attribute: 'agent' },
      );
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw hearthChatError(
      'HEARTH_CHAT_INVALID_ATTRIBUTE',
      'The `agent` attribute must be a pipeline object (JSON), not a list or a single value.',
      { attribute: 'agent' },
    );
  return parsed as AgentPipelineInput;
}

/**
 * The `tools` property: the page's own tools that its pipeline may name (the built-in `calculator`
 * and `current_time` are always there). Each is an AgentTool (`defineTool` of the library builds one
 * from a zod schema); only its shape is checked here, the agent loop checks each call's arguments.
 */
export function readAgentTools(value: unknown): AgentTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw hearthChatError(
      'HEARTH_CHAT_INVALID_ATTRIBUTE',
      '<hearth-chat> tools: set the `tools` property to a list of tools (`defineTool` builds one).',
      { attribute: 'tools' },
    );
  const names = new Set<string>();
  return value.map((tool: unknown, index) => {
    const fault = toolFault(tool);
    const name = (tool as { name?: unknown } | null)?.name;
    if (!fault && names.has(name as string)) {
      throw hearthChatError(
        'HEARTH_CHAT_INVALID_ATTRIBUTE',
        `<hearth-chat> tools[${index}]: two tools are named "${String(name)}".`,
        { attribute: 'tools' },
      );
    }
    if (fault)
      throw hearthChatError('HEARTH_CHAT_INVALID_ATTRIBUTE', `<hearth-chat> tools[${index}]: ${fault}.`, {
        attribute: 'tools',
      });
    names.add(name as string);
    return tool as AgentTool;
  });
}

function toolFault(tool: unknown): string | undefined {
  if (typeof tool !== 'object' || tool === null) return 'a tool is an object (`defineTool` builds one)';
  const { name, description, parameters, execute } = tool as Record<string, unknown>;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))
    return '`name` must be 1-64 letters, digits, _ or -';
  if (typeof description !== 'string') return `"${name}" needs a \`description\` (text the model reads)`;
  const { jsonSchema, parse } = (parameters ?? {}) as Record<string, unknown>;
  if (typeof jsonSchema !== 'object' || jsonSchema === null || typeof parse !== 'function')
    return `"${name}" needs \`parameters\` with a \`jsonSchema\` object and a \`parse\` function`;
  if (typeof execute !== 'function') return `"${name}" needs an \`execute\` function`;
  return undefined;
}

/** A pipeline the agent runtime refused: every problem, each with its JSON path, in one message. */
export function pipelineProblemsError(problems: PipelineProblem[]) {
  const lines = problems.map((problem) => {
    const path = jsonPath(problem.path);
    // Shape problems already start with their path in zod's dotted form.
    const message = problem.message.replace(`${problem.path.join('.')}: `, '');
    return `${path}: ${message}`;
  });
  return hearthChatError(
    'HEARTH_CHAT_INVALID_ATTRIBUTE',
    `<hearth-chat> agent: the pipeline cannot run. ${lines.join(' ')}`,
    {
      attribute: 'agent',
      problems: problems.map((problem) => ({ ...problem, path: jsonPath(problem.path) })),
    },
  );
}

/** `['agents', 0, 'tools', 1]` as `agents[0].tools[1]`; the root as `$`. */
export function jsonPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '$';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}
