/**
 * A remote agent as a tool the model can call: it sends the model's message, reports the task's status and
 * artifacts as progress, cancels the remote task when the run aborts or the tool times out, and returns what the
 * model needs to read (text, files by name and size, and the ids to answer a question the agent asked).
 */
import { z } from 'zod';
import type { AgentTool, ToolProgress } from '../tool.ts';
import type { A2AAgent, A2AEvent, A2AMessage, A2APart, A2AResult } from './types.ts';

export interface A2AToolArgs {
  message: string;
  task_id?: string;
  context_id?: string;
}

export interface A2AToolOptions {
  /** The tool's name; `a2a_<agent name>` by default. */
  name?: string;
  timeoutMs?: number;
  /** Ask the user before each message goes to the agent. Default false. */
  needsApproval?: boolean;
}

const argsSchema = z.object({
  message: z.string().min(1, 'message is empty: write what to ask the agent'),
  task_id: z.string().min(1).optional(),
  context_id: z.string().min(1).optional(),
});

const jsonSchema = {
  type: 'object',
  properties: {
    message: { type: 'string', description: 'What to ask the agent, in plain language.' },
    task_id: {
      type: 'string',
      description: 'Only to answer a question the agent asked: the task_id it returned.',
    },
    context_id: {
      type: 'string',
      description: 'To continue an earlier exchange: the context_id it returned.',
    },
  },
  required: ['message'],
  additionalProperties: false,
} as const;

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

export function a2aAgentTool(agent: A2AAgent, options: A2AToolOptions = {}): AgentTool<A2AToolArgs> {
  return {
    name: options.name ?? toolNameFor(agent.card.name),
    description: describeAgent(agent),
    parameters: {
      jsonSchema,
      parse(input) {
        const parsed = argsSchema.safeParse(input);
        if (parsed.success) return { success: true, data: parsed.data };
        const issue = parsed.error.issues[0];
        return { success: false, error: `${issue?.path.join('.') || 'arguments'}: ${issue?.message}` };
      },
    },
    async execute(args, context) {
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
      return forModel(result);
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
  switch (event.type) {
    case 'task':
      return { message: `task ${event.state}`, data: event };
    case 'status':
      return {
        message: event.text ? `${event.state}: ${event.text}` : event.state,
        data: event.message ? { ...event, message: messageSummary(event.message) } : event,
      };
    case 'artifact':
      return {
        message: `artifact ${event.artifact.name || event.artifact.id}`,
        data: { ...event, artifact: { ...event.artifact, parts: partsSummary(event.artifact.parts) } },
      };
    case 'message':
      return { message: 'reply', data: { ...event, message: messageSummary(event.message) } };
    case 'reconnect':
      return {
        message: `stream lost (${event.reason}); following the task again (attempt ${event.attempt})`,
        data: event,
      };
    case 'cancel':
      return {
        message: event.confirmed ? 'task canceled on the agent' : 'the agent did not confirm the cancel',
        data: event,
      };
  }
}

type PartSummary =
  Exclude<A2APart, { bytes: Uint8Array }> | { kind: 'file'; name?: string; mediaType?: string; size: number };

function partsSummary(parts: readonly A2APart[]): PartSummary[] {
  return parts.map((part) =>
    part.kind === 'file' && 'bytes' in part
      ? { kind: 'file', name: part.name, mediaType: part.mediaType, size: part.bytes.byteLength }
      : part,
  );
}

function messageSummary(message: A2AMessage) {
  return { ...message, parts: partsSummary(message.parts) };
}

/** What the model reads: text, files by name, structured data, and how to answer a question. */
export function forModel(result: A2AResult): Record<string, unknown> {
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
    ...(result.taskId ? { task_id: result.taskId } : {}),
    ...(result.contextId ? { context_id: result.contextId } : {}),
    ...(result.state === 'input-required' || result.state === 'auth-required'
      ? {
          next: 'The agent is waiting for an answer: call this tool again with your answer, this task_id and context_id.',
        }
      : {}),
  };
}
