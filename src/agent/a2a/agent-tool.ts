/**
 * A remote agent as a tool the model can call: it sends the model's message, reports the task's status and
 * artifacts as progress, cancels the remote task when the run aborts or the tool times out, and returns what the
 * model needs to read (text, files by name and size, and the ids to answer a question the agent asked).
 */
import { z } from 'zod';
import type { AgentTool, ToolProgress } from '../tool.ts';
import { summarizeA2AEvent } from './event-summary.ts';
import type { A2AAgent, A2AEvent, A2AResult } from './types.ts';

export interface A2AToolArgs {
  message: string;
  task_id?: string;
  context_id?: string;
}

export interface A2AToolOptions {
  /** The tool's name; `a2a_<agent name>` by default. */
  name?: string;
  /** What the model reads about the tool; by default the card's name, description and skills (at most 1,024 characters). */
  description?: string;
  timeoutMs?: number;
  /** Ask the user before each message goes to the agent. Default false. */
  needsApproval?: boolean;
  /**
   * The longest message the model may write, in characters (default 4,000): a model held to the tool's
   * schema by constrained decoding stops there instead of writing until its token limit.
   */
  maxMessageChars?: number;
  /**
   * Whether the model may continue an exchange or answer the agent's question (the `task_id` and
   * `context_id` arguments). Default true. A small model held to the schema may fill optional ids with
   * text of its own: without them it writes the message only, and every call starts afresh.
   */
  continuation?: boolean;
}

const DEFAULT_MAX_MESSAGE_CHARS = 4_000;
/** A2A ids are opaque strings (UUIDs, as a rule): bounded so a grammar-held model cannot write one forever. */
const MAX_ID_CHARS = 256;

const argsSchema = (maxChars: number, continuation: boolean) => {
  const message = z
    .string()
    .min(1, 'message is empty: write what to ask the agent')
    .max(maxChars, `message is longer than ${maxChars} characters: say it shorter`);
  const id = z.string().min(1).max(MAX_ID_CHARS).optional();
  return continuation
    ? z.object({ message, task_id: id, context_id: id }).strict()
    : z.object({ message }).strict();
};

const jsonSchemaFor = (maxChars: number, continuation: boolean) => ({
  type: 'object',
  properties: {
    message: {
      type: 'string',
      description: 'What to ask the agent, in plain language.',
      minLength: 1,
      maxLength: maxChars,
    },
    ...(continuation
      ? {
          task_id: {
            type: 'string',
            description: 'Only to answer a question the agent asked: the task_id it returned.',
            minLength: 1,
            maxLength: MAX_ID_CHARS,
          },
          context_id: {
            type: 'string',
            description: 'To continue an earlier exchange: the context_id it returned.',
            minLength: 1,
            maxLength: MAX_ID_CHARS,
          },
        }
      : {}),
  },
  required: ['message'],
  additionalProperties: false,
});

/** `a2a_` and the agent's name, in the characters a tool name may hold. */
export function toolNameFor(agentName: string): string {
  const slug = agentName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `a2a_${slug || 'agent'}`.slice(0, 64);
}

function describeAgent(agent: A2AAgent): string {
  const { card } = agent;
  const skills = card.skills.map(
    (skill) => `${skill.name}${skill.description ? `: ${skill.description}` : ''}`,
  );
  const text = [
    `Sends a message to the remote agent "${card.name}" and returns its answer.`,
    card.description,
    skills.length ? `Its skills: ${skills.join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
}

/**
 * Typed `AgentTool` (unknown arguments), as a registry holds every tool: the loop passes `execute` only what
 * `parameters.parse` produced, which is `A2AToolArgs`.
 */
export function a2aAgentTool(agent: A2AAgent, options: A2AToolOptions = {}): AgentTool {
  const maxChars = options.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS;
  const continuation = options.continuation ?? true;
  const schema = argsSchema(maxChars, continuation);
  return {
    name: options.name ?? toolNameFor(agent.card.name),
    description: options.description ?? describeAgent(agent),
    parameters: {
      jsonSchema: jsonSchemaFor(maxChars, continuation),
      parse(input) {
        const parsed = schema.safeParse(input);
        if (parsed.success) return { success: true, data: parsed.data as unknown };
        const issue = parsed.error.issues[0];
        return { success: false, error: `${issue?.path.join('.') || 'arguments'}: ${issue?.message}` };
      },
    },
    async execute(input, context) {
      const args = input as A2AToolArgs;
      const result = await agent.send(
        {
          parts: [{ kind: 'text', text: args.message }],
          ...(args.task_id ? { taskId: args.task_id } : {}),
          ...(args.context_id ? { contextId: args.context_id } : {}),
        },
        {
          signal: context.signal,
          onEvent: (event) => context.progress(progressOf(event)),
          startSpan: context.startSpan,
        },
      );
      return forModel(result, { ids: continuation });
    },
    needsApproval: options.needsApproval ?? false,
    // A message to an agent is an action on its side: never sent twice without asking.
    idempotent: false,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    source: { kind: 'a2a', agent: agent.card.name },
  };
}

/** File bytes stay out of progress events (the result has them); the rest is the event as it came. */
function progressOf(event: A2AEvent): ToolProgress {
  const { text, update } = summarizeA2AEvent(event);
  return { message: text, data: update };
}

/**
 * What the model reads: text, files by name, structured data, and how to answer a question (`ids`: the task
 * and context ids, left out for a tool that does not take them back).
 */
export function forModel(result: A2AResult, options: { ids?: boolean } = {}): Record<string, unknown> {
  const ids = options.ids ?? true;
  const parts = [...(result.message?.parts ?? []), ...result.artifacts.flatMap((artifact) => artifact.parts)];
  const files = parts.flatMap((part) =>
    part.kind !== 'file'
      ? []
      : [
          {
            name: part.name ?? '',
            media_type: part.mediaType ?? '',
            ...('bytes' in part ? { size: part.bytes.byteLength } : { url: part.url }),
          },
        ],
  );
  const data = parts.flatMap((part) => (part.kind === 'data' ? [part.data] : []));
  return {
    state: result.state,
    text: result.text,
    ...(files.length ? { files } : {}),
    ...(data.length ? { data } : {}),
    ...(ids && result.taskId ? { task_id: result.taskId } : {}),
    ...(ids && result.contextId ? { context_id: result.contextId } : {}),
    ...(ids && (result.state === 'input-required' || result.state === 'auth-required')
      ? {
          next: 'The agent is waiting for an answer: call this tool again with your answer, this task_id and context_id.',
        }
      : {}),
  };
}
