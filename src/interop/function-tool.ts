import type { FunctionTool } from '../engines/llm/contract.ts';

/** A function tool as Hearth's requests take it; an absent description or strictness is left out. */
export function functionTool(tool: {
  name: string;
  description: string | undefined;
  parameters: unknown;
  strict: boolean | undefined;
}): FunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description && { description: tool.description }),
      parameters: tool.parameters as Record<string, unknown>,
      ...(tool.strict !== undefined && { strict: tool.strict }),
    },
  };
}
