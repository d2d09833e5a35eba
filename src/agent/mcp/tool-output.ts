import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mcpError } from './errors.ts';
import type { ToolEntry } from './lists.ts';

/** A tool with an output schema must give structured content that fits it (what the SDK's listTools path checks). */
export function checkToolOutput(
  server: string,
  entry: ToolEntry | undefined,
  name: string,
  result: CallToolResult,
): CallToolResult {
  const output = entry?.output;
  if (!output || result.isError) return result;
  const where = `The MCP server "${server}"`;
  if (result.structuredContent === undefined) {
    throw mcpError(
      'MCP_INVALID_RESPONSE',
      `${where} gave ${name}'s result without the structured content its output schema promises.`,
      {
        details: result,
      },
    );
  }
  const checked = output.parse(result.structuredContent);
  if (!checked.success) {
    throw mcpError(
      'MCP_INVALID_RESPONSE',
      `${where} gave ${name}'s result in another shape than its output schema: ${checked.error}`,
      {
        details: result,
      },
    );
  }
  return result;
}
