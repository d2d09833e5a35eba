/** A2A agents as tools and handoff targets: the public face of the bridge. Nothing here loads the SDK. */
export { connectA2AAgent, a2aAgentFromCard } from './connect.ts';
export { a2aAgentTool, toolNameFor, type A2AToolArgs, type A2AToolOptions } from './agent-tool.ts';
export { A2AAgentStore, type A2AAgentCheck, type A2AAgentRecord } from './agent-store.ts';
export { A2A_ERROR_CODES, type A2AErrorCode } from './errors.ts';
export type {
  A2AAgent,
  A2AAgentCard,
  A2AArtifact,
  A2AConnectOptions,
  A2AEvent,
  A2AInput,
  A2AMessage,
  A2APart,
  A2AResult,
  A2ASendOptions,
  A2ASkill,
  A2ATaskState,
} from './types.ts';
