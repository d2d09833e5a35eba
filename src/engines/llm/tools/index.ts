export {
  createToolCallParser,
  detectToolCallFormat,
  requireToolCallFormat,
  type ToolCallFormat,
  type ToolFormatInfo,
} from './formats.ts';
export { toolHooksFactory, type ToolHooksOptions } from './generation-hooks-factory.ts';
export { randomToolCallId, type ToolCallIdFactory } from './tool-call-deltas.ts';
export { validateToolRequest, type ToolRequestPlan } from './validate-request.ts';
