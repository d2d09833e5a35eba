/** The agent runtime's public face: tools, the loop and its runs. */
export type { AgentTool, ToolContext, ToolParameters, ToolProgress, ToolSource, ToolSpan } from './tool.ts';
export * from './a2a/index.ts';
