import { z } from 'zod';
import type { AgentTool, ToolContext, ToolParameters, ToolSource } from '../tool.ts';

/** Tool names the model can write and every chat template accepts (OpenAI's rule). */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface DefineToolOptions<Schema extends z.ZodType> {
  name: string;
  description: string;
  /** The arguments, as a zod schema: the model sees its JSON Schema; the loop parses with it. */
  parameters: Schema;
  execute(args: z.output<Schema>, context: ToolContext): Promise<unknown> | unknown;
  needsApproval?: boolean | ((args: z.output<Schema>) => boolean | Promise<boolean>);
  idempotent?: boolean;
  timeoutMs?: number;
  source?: ToolSource;
}

/**
 * A tool from a zod schema:
 *
 * ```ts
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather in a city.',
 *   parameters: z.object({ city: z.string().max(40) }),
 *   execute: async ({ city }, { signal }) => (await fetch(`/weather?q=${city}`, { signal })).json(),
 * });
 * ```
 *
 * The result is an `AgentTool` like any other (MCP and A2A tools included).
 */
export function defineTool<Schema extends z.ZodType>(options: DefineToolOptions<Schema>): AgentTool {
  if (!TOOL_NAME.test(options.name)) {
    throw new TypeError(
      `Tool name "${options.name}" must be 1-64 letters, digits, underscores or dashes (the model writes it).`,
    );
  }
  // Typed for whoever writes the tool; the runtime holds every tool as AgentTool<unknown> and only
  // passes arguments that `parameters.parse` produced from this schema.
  type Args = z.output<Schema>;
  const { execute, needsApproval, ...rest } = options;
  return {
    ...rest,
    parameters: zodParameters(options.parameters) as ToolParameters<unknown>,
    execute: async (args, context) => execute(args as Args, context),
    ...(needsApproval === undefined
      ? {}
      : {
          needsApproval:
            typeof needsApproval === 'function'
              ? (args: unknown) => needsApproval(args as Args)
              : needsApproval,
        }),
  };
}

/**
 * What the model sees and how its arguments are checked, from one zod schema. The JSON Schema is the
 * schema's input side (defaults make a field optional for the model); an object that does not say
 * otherwise refuses unknown keys, since zod would drop them anyway and a grammar that allows them
 * lets a small model wander.
 */
export function zodParameters<Schema extends z.ZodType>(schema: Schema): ToolParameters<z.output<Schema>> {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  if (jsonSchema.type === 'object' && !('additionalProperties' in jsonSchema)) {
    jsonSchema.additionalProperties = false;
  }
  return {
    jsonSchema,
    parse(input) {
      const result = schema.safeParse(input);
      return result.success
        ? { success: true, data: result.data }
        : { success: false, error: z.prettifyError(result.error) };
    },
  };
}
