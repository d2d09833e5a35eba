import type { A2AAgentCard, AgentTool, ToolParameters } from '../../../runtime/index.ts';
import type { A2AAccess } from './a2a-access.ts';

/** Runs whose exchange with an agent is remembered at once (the oldest is forgotten first). */
const MAX_EXCHANGES = 64;

/**
 * The bridge's tool, made easy for a small model: the model writes only the message (bounded by
 * the person's setting; constrained decoding holds a small model to it), and the app keeps the
 * exchange itself: within a run, the next message to the same agent continues its conversation, and
 * answers its question when it asked one. Measured with the demo model (512 tokens of context), the
 * bridge's own description and annotated schema cost ~100 prompt tokens more, its result's two ids
 * ~70, and the model filled the optional `task_id` with made-up text: the run no longer fit.
 */
export function conversational(tool: AgentTool, card: A2AAgentCard, access: A2AAccess): AgentTool {
  const exchanges = new Map<string, { task_id?: string; context_id?: string }>();
  const skills = card.skills.map((s) => s.name).join(', ');
  const parameters: ToolParameters<unknown> = {
    jsonSchema: {
      type: 'object',
      properties: { message: { type: 'string', minLength: 1, maxLength: access.maxMessage } },
      required: ['message'],
      additionalProperties: false,
    },
    parse(input) {
      const keys = input && typeof input === 'object' ? Object.keys(input) : [];
      const message = (input as { message?: unknown } | null)?.message;
      if (typeof message !== 'string' || message.length === 0 || keys.some((k) => k !== 'message'))
        return { success: false, error: 'send one field, message: what to ask the agent' };
      if (message.length > access.maxMessage)
        return { success: false, error: `message: at most ${access.maxMessage} characters` };
      return { success: true, data: { message } };
    },
  };
  return {
    ...tool,
    description: `Asks the remote agent "${card.name}"${skills ? ` (skills: ${skills})` : ''}.`.slice(0, 300),
    parameters,
    async execute(args, context) {
      const earlier = exchanges.get(context.runId) ?? {};
      const result = (await tool.execute(
        { ...(args as { message: string }), ...earlier },
        context,
      )) as Record<string, unknown>;
      const { task_id, context_id, next: _next, ...rest } = result;
      const waiting = rest.state === 'input-required' || rest.state === 'auth-required';
      exchanges.delete(context.runId);
      exchanges.set(context.runId, {
        ...(typeof context_id === 'string' ? { context_id } : {}),
        ...(waiting && typeof task_id === 'string' ? { task_id } : {}),
      });
      if (exchanges.size > MAX_EXCHANGES) exchanges.delete(exchanges.keys().next().value!);
      return waiting
        ? { ...rest, next: 'The agent waits for your answer: call this tool again with it as the message.' }
        : rest;
    },
  };
}
