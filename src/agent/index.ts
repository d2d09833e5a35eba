/** The agent runtime's public face: tools, the loop and its runs. */
export type { AgentTool, ToolContext, ToolParameters, ToolProgress, ToolSource, ToolSpan } from './tool.ts';
