import { z } from 'zod';

/**
 * A pipeline is plain JSON, so a UI can draw it and a person can edit it: agents (and fan-out steps)
 * by name, the tools each may call by name, who hands off to whom, and who calls whom as a tool.
 */

/** Agent and step names: short enough that `transfer_to_<name>` is still a valid tool name. */
export const AGENT_NAME = /^[A-Za-z0-9_-]{1,48}$/;
const agentName = z.string().regex(AGENT_NAME, 'use 1-48 letters, digits, underscores or dashes');

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'required', 'none']),
  z.object({ tool: z.string().min(1) }).strict(),
]);

export const modelSettingsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    max_tokens: z.number().int().min(1).max(32_768).optional(),
    seed: z.number().int().optional(),
    repetition_penalty: z.number().gt(0).optional(),
    /** Whether the model must call a tool ('required', or one named tool), may ('auto') or may not. */
    toolChoice: toolChoiceSchema.optional(),
    /** After a turn with tool calls the choice goes back to 'auto', so a forced call cannot loop. Default true. */
    resetToolChoice: z.boolean().optional(),
    /** Whether one turn may hold several calls. Default true. */
    parallelToolCalls: z.boolean().optional(),
    /** A JSON Schema the final answer must follow (constrained decoding where the engine has it). */
    output: z
      .object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), schema: z.record(z.string(), z.unknown()) })
      .strict()
      .optional(),
  })
  .strict();

export const agentSpecSchema = z
  .object({
    kind: z.literal('agent').optional(),
    name: agentName,
    /** What the agent is for: shown to other agents that hand off to it or call it as a tool. */
    description: z.string().max(2_000).optional(),
    instructions: z.string().max(50_000).default(''),
    tools: z.array(z.string()).default([]),
    handoffs: z.array(agentName).default([]),
    /** Agents this one calls as tools (a supervisor and its specialists). */
    agentTools: z.array(agentName).default([]),
    /** A LoRA adapter `name@version` on the shared base model; none means the base model. */
    adapter: z
      .string()
      .regex(/^[^@\s]+@[^@\s]+$/, 'write the adapter as name@version')
      .optional(),
    model: modelSettingsSchema.optional(),
  })
  .strict();

/** Runs its branches in parallel on the run's input, then hands their answers to `merge`. */
export const fanOutSpecSchema = z
  .object({
    kind: z.literal('fan_out'),
    name: agentName,
    description: z.string().max(2_000).optional(),
    branches: z.array(agentName).min(1).max(16),
    merge: agentName,
  })
  .strict();

export const runLimitsSchema = z
  .object({
    /** Model calls per run (nested runs count their own). Default 10. */
    maxTurns: z.number().int().min(1).max(1_000),
    /** Handoffs per run. Default 8. */
    maxHandoffs: z.number().int().min(0).max(1_000),
    /** Tool calls run at once. Default 4. */
    toolConcurrency: z.number().int().min(1).max(64),
    /** Default per-call timeout (a tool's own `timeoutMs` wins). Default 60 s. */
    toolTimeoutMs: z.number().int().min(1).max(86_400_000),
    /** Past this many UTF-8 bytes a result is cut for the model (the whole is kept). Default 16 KiB. */
    maxResultBytes: z
      .number()
      .int()
      .min(256)
      .max(16 * 1024 * 1024),
    /** Calls in a row with arguments that do not fit, per tool, before the run stops. Default 3. */
    maxInvalidArguments: z.number().int().min(1).max(100),
    /** Agents called as tools inside agents called as tools. Default 4. */
    maxDepth: z.number().int().min(1).max(16),
    /** The longest question an agent may send an agent it calls as a tool (characters). Default 4,000. */
    maxAgentInput: z.number().int().min(1).max(100_000),
  })
  .strict();

export const pipelineSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(200),
    description: z.string().max(5_000).optional(),
    /**
     * The shared start of every prompt in the pipeline (the first system message). Each agent's own
     * instructions come after the conversation, so a handoff keeps the prefix the engine has cached.
     */
    preamble: z.string().max(50_000).optional(),
    entry: agentName,
    agents: z
      .array(z.union([fanOutSpecSchema, agentSpecSchema]))
      .min(1)
      .max(64),
    limits: runLimitsSchema.partial().optional(),
  })
  .strict();

export type ModelSettings = z.output<typeof modelSettingsSchema>;
export type AgentSpec = z.output<typeof agentSpecSchema>;
export type AgentSpecInput = z.input<typeof agentSpecSchema>;
export type FanOutSpec = z.output<typeof fanOutSpecSchema>;
export type PipelineNode = AgentSpec | FanOutSpec;
export type Pipeline = z.output<typeof pipelineSchema>;
/** What a person writes: defaults may be left out. */
export type PipelineInput = z.input<typeof pipelineSchema>;
export type RunLimits = z.output<typeof runLimitsSchema>;

export const DEFAULT_LIMITS: RunLimits = {
  maxTurns: 10,
  maxHandoffs: 8,
  toolConcurrency: 4,
  toolTimeoutMs: 60_000,
  maxResultBytes: 16 * 1024,
  maxInvalidArguments: 3,
  maxDepth: 4,
  maxAgentInput: 4_000,
};

export const DEFAULT_PREAMBLE =
  'You are part of Hearth, a team of assistants that runs on this device. Use the tools when they help; answer plainly.';

export function isFanOut(node: PipelineNode): node is FanOutSpec {
  return node.kind === 'fan_out';
}

/** The tool an agent calls to hand the conversation to `target`. */
export const handoffToolName = (target: string) => `transfer_to_${target}`;
/** The tool an agent calls to ask `target` (an agent used as a tool) and read its answer. */
export const agentToolName = (target: string) => `ask_${target}`;
