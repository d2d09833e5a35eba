import { z } from 'zod';
import { HearthError } from '../../../core/errors.ts';
import type { ChatCompletionRequest, FunctionTool } from '../contract.ts';
import type { ToolCallRule } from '../grammar/tool-structural-tag.ts';
import { schemaProblems } from './schema-check.ts';

/** OpenAI's rule for function and schema names. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

/** What a request asks of tools and output shape, checked and resolved. */
export interface ToolRequestPlan {
  /** Tools the model may call (empty with `tool_choice: 'none'`, or when none were given). */
  tools: FunctionTool[];
  /** Undefined when no call may be made. */
  rule: ToolCallRule | undefined;
  /** JSON output: any object, or one matching `schema`. */
  json: { schema?: Record<string, unknown> } | undefined;
}

/**
 * Checks `tools`, `tool_choice` and `response_format` before any generation starts, so a mistake
 * is a clear `INVALID_INPUT` naming the field, not a confused model or a grammar-engine crash.
 */
export function validateToolRequest(request: ChatCompletionRequest): ToolRequestPlan {
  const tools = parse(z.array(functionTool).optional(), request.tools, 'tools') ?? [];
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const { name, parameters } = tool.function;
    if (!NAME.test(name)) {
      fail(`tools[${i}].function.name "${name}" must be 1-64 letters, digits, underscores or dashes.`);
    }
    if (names.has(name)) fail(`Two tools are named "${name}"; tool names must be unique.`);
    names.add(name);
    if (parameters !== undefined) {
      if (parameters.type !== undefined && parameters.type !== 'object') {
        fail(
          `tools[${i}] (${name}): parameters must be a JSON schema of type "object", not "${String(parameters.type)}".`,
        );
      }
      const problems = schemaProblems(parameters);
      if (problems) fail(`tools[${i}] (${name}): parameters is not a valid JSON schema: ${problems}.`);
    }
  }

  const choice = parse(toolChoice.optional(), request.tool_choice, 'tool_choice') ?? 'auto';
  const parallel = parse(z.boolean().optional(), request.parallel_tool_calls, 'parallel_tool_calls') ?? true;
  let rule: ToolCallRule | undefined;
  if (choice === 'none') rule = undefined;
  else if (choice === 'auto') rule = tools.length > 0 ? { kind: 'auto', parallel } : undefined;
  else if (tools.length === 0) {
    fail(`tool_choice ${JSON.stringify(choice)} needs tools: pass the functions in \`tools\`.`);
  } else if (choice === 'required') rule = { kind: 'required', parallel };
  else {
    const name = choice.function.name;
    if (!names.has(name)) {
      fail(`tool_choice names "${name}", which is not in tools (${[...names].join(', ')}).`);
    }
    rule = { kind: 'named', name, parallel: false };
  }

  const format = parse(responseFormat.optional(), request.response_format, 'response_format');
  let json: ToolRequestPlan['json'];
  if (format?.type === 'json_object') json = {};
  else if (format?.type === 'json_schema') {
    const { name, schema } = format.json_schema;
    if (!NAME.test(name))
      fail(`response_format.json_schema.name "${name}" must be 1-64 letters, digits, _ or -.`);
    if (schema !== undefined) {
      const problems = schemaProblems(schema);
      if (problems) fail(`response_format.json_schema.schema is not a valid JSON schema: ${problems}.`);
    }
    json = schema === undefined ? {} : { schema };
  }
  return { tools: rule ? (tools as FunctionTool[]) : [], rule, json };
}

function parse<T>(type: z.ZodType<T>, value: unknown, field: string): T {
  const result = type.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [field, ...issue.path].join('.');
  fail(`${path}: ${issue.message}. See the OpenAI chat-completions shape for \`${field}\`.`);
}

function fail(message: string): never {
  throw new HearthError('INVALID_INPUT', message);
}
