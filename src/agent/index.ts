/** The agent runtime's public face: tools, the loop and its runs. */
export type { AgentTool, ToolContext, ToolParameters, ToolProgress, ToolSource, ToolSpan } from './tool.ts';
// MCP servers' tools as agent tools, and the servers a person keeps (src/agent/mcp/README.md).
export * from './mcp/index.ts';
