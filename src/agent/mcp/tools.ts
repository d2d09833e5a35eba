import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentTool, ToolContext, ToolParameters } from '../tool.ts';
import { mcpError } from './errors.ts';
import { namespacedToolName } from './tool-names.ts';
import type { McpServerConfig } from './types.ts';

/** What a tool needs of its connection: the call itself (session, retries and error mapping live there). */
export interface McpToolHost {
  readonly config: McpServerConfig;
  readonly url: URL;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: {
      signal: AbortSignal;
      timeoutMs: number;
      readOnly: boolean;
      onProgress: (progress: { progress: number; total?: number; message?: string }) => void;
      onAttempt?: (attempt: { session?: string; transport: string; retry: boolean }) => void;
    },
  ): Promise<CallToolResult>;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/**
 * Whether a call asks the user first. MCP's defaults are the safe ones: an unannotated tool counts
 * as destructive (`destructiveHint` defaults to true). Read-only tools, and tools that say they only
 * add (destructiveHint: false), run without asking; `approvals: 'always'` asks for every call.
 */
export function approvalFor(tool: Tool, config: McpServerConfig): boolean {
  if (config.approvals === 'always') return true;
  const hints = tool.annotations ?? {};
  if (hints.readOnlyHint === true) return false;
  return hints.destructiveHint !== false;
}

/** The text a failed tool call gave, for the error the loop hands back to the model. */
function resultText(result: CallToolResult): string {
  const text = result.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .trim();
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text || 'the tool gave no reason';
}

/** An MCP server tool as an ordinary agent tool: namespaced, validated, approved, timed out, traced. */
export function toAgentTool(
  tool: Tool,
  parameters: ToolParameters<Record<string, unknown>>,
  host: McpToolHost,
): AgentTool {
  const { config } = host;
  const readOnly = tool.annotations?.readOnlyHint === true;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  return {
    name: namespacedToolName(config.id, tool.name),
    description: tool.description ?? tool.title ?? tool.annotations?.title ?? tool.name,
    parameters,
    needsApproval: approvalFor(tool, config),
    idempotent: readOnly || tool.annotations?.idempotentHint === true,
    timeoutMs,
    source: { kind: 'mcp', server: config.id },
    // `args` is what `parameters.parse` gave: always a JSON object here.
    async execute(args: unknown, context: ToolContext) {
      const span = context.startSpan(`mcp tools/call ${tool.name}`, {
        'mcp.server': config.id,
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': tool.name,
        'server.address': host.url.host,
      });
      try {
        const result = await host.callTool(tool.name, args as Record<string, unknown>, {
          signal: context.signal,
          timeoutMs,
          readOnly,
          onProgress: ({ progress, total, message }) =>
            context.progress({
              loaded: progress,
              ...(total === undefined ? {} : { total }),
              ...(message ? { message } : {}),
            }),
          onAttempt: ({ session, transport, retry }) =>
            span.setAttributes({
              'mcp.transport': transport,
              ...(session ? { 'mcp.session.id': session } : {}),
              ...(retry ? { 'mcp.retried': true } : {}),
            }),
        });
        if (result.isError) {
          throw mcpError('MCP_TOOL_ERROR', `${tool.name} on "${config.id}" failed: ${resultText(result)}`, {
            details: result,
          });
        }
        span.end();
        return result;
      } catch (error) {
        span.end(error);
        throw error;
      }
    },
  };
}
