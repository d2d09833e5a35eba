/**
 * Real A2A agents for the browser tests, built with the SDK's own server pieces (DefaultRequestHandler, the
 * Express handlers) on loopback ports, with CORS for the test page:
 *
 * - `v1`: @a2a-js/sdk 1.3 (A2A 1.0), streaming. What it does depends on the text it gets:
 *   `fail` fails the task with a reason; `ask` asks "Which city?" (input-required) and completes the answer;
 *   `slow` and `drop` work in 100 ms steps (and stop when canceled); `hold` waits for `executor.release()`;
 *   anything else is echoed back. Every file
 *   part it receives comes back reversed in the artifact, with its size and SHA-256 as text.
 *   `cutNextStream(n)` makes the server drop the next event stream after n events (the task runs on).
 *   Under `/secure/` the same agent wants `Authorization: Bearer letmein`; under `/rest/` it speaks HTTP+JSON.
 * - `v03`: @a2a-js/sdk 0.3.14 (A2A 0.3): echoes text and reverses files the same way.
 */
import { createHash } from 'node:crypto';
import { AGENT_CARD_PATH, Role, TaskState, type AgentCard, type Message, type Part } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, restHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import * as legacy from 'a2a-sdk-v0-3';
import * as legacyServer from 'a2a-sdk-v0-3/server';
import * as legacyExpress from 'a2a-sdk-v0-3/server/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { allowCors, listen, sleep, type Listening } from './a2a-http.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const SECURE_TOKEN = 'letmein';

const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});

class SdkAgentExecutor implements AgentExecutor {
  /** Tasks the client asked to cancel, and those that then stopped as canceled. */
  readonly cancelRequests = new Set<string>();
  readonly canceled = new Set<string>();

  private readonly waiting: Array<() => void> = [];

  cancelTask = async (taskId: string): Promise<void> => {
    this.cancelRequests.add(taskId);
  };

  /** Tasks sent `hold` wait here until `release()`. */
  get holding(): number {
    return this.waiting.length;
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  async execute(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId, userMessage } = context;
    const text = userMessage.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
    const status = (state: TaskState, message?: string) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: new Date().toISOString(),
            message: message === undefined ? undefined : agentMessage(message, taskId, contextId),
          },
          metadata: undefined,
        }),
      );
    const artifact = (artifactId: string, parts: Part[], append = false, lastChunk = true) =>
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId,
            name: artifactId,
            description: '',
            parts,
            metadata: undefined,
            extensions: [],
          },
          append,
          lastChunk,
          metadata: undefined,
        }),
      );

    if (context.task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
      bus.publish(AgentEvent.task(context.task));
      status(TaskState.TASK_STATE_WORKING);
      artifact('answer', [textPart(`Weather in ${text}: sunny`)]);
      status(TaskState.TASK_STATE_COMPLETED);
      return;
    }
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          timestamp: new Date().toISOString(),
          message: undefined,
        },
        artifacts: [],
        history: [userMessage],
        metadata: undefined,
      }),
    );
    status(TaskState.TASK_STATE_WORKING, 'thinking');
    if (text === 'fail') return status(TaskState.TASK_STATE_FAILED, 'the calculator is out of batteries');
    if (text === 'ask') return status(TaskState.TASK_STATE_INPUT_REQUIRED, 'Which city?');
    if (text === 'hold') await new Promise<void>((resolve) => this.waiting.push(resolve));
    const steps = text === 'slow' ? 100 : text === 'drop' ? 8 : 0;
    for (let step = 1; step <= steps; step++) {
      if (this.cancelRequests.has(taskId)) {
        this.canceled.add(taskId);
        return status(TaskState.TASK_STATE_CANCELED, `canceled at step ${step}`);
      }
      await sleep(100);
      status(TaskState.TASK_STATE_WORKING, `step ${step}`);
    }
    // The answer comes in two chunks, the second appended to the first, as streamed text does.
    artifact('answer', [textPart('echo: ')], false, false);
    artifact('answer', [textPart(text)], true, true);
    const files = userMessage.parts.flatMap((part): Part[] => {
      if (part.content?.$case !== 'raw') return [];
      const bytes = new Uint8Array(part.content.value);
      return [
        textPart(`${part.filename}: ${bytes.length} bytes, sha256 ${sha256(bytes)}`),
        {
          content: { $case: 'raw', value: Buffer.from(bytes.reverse()) },
          metadata: undefined,
          filename: `reversed-${part.filename}`,
          mediaType: part.mediaType,
        },
      ];
    });
    if (files.length > 0) artifact('files', files);
    status(TaskState.TASK_STATE_COMPLETED, 'done');
  }
}

function agentMessage(text: string, taskId: string, contextId: string): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function card(name: string, endpoint: string, protocolBinding: string): AgentCard {
  return {
    name,
    description: 'Echoes what it is sent; reverses files.',
    supportedInterfaces: [{ url: endpoint, protocolBinding, tenant: '', protocolVersion: '1.0' }],
    provider: { organization: 'Hearth tests', url: 'https://example.invalid' },
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain', 'application/octet-stream'],
    defaultOutputModes: ['text/plain', 'application/octet-stream'],
    skills: [
      {
        id: 'echo',
        name: 'Echo',
        description: 'Says back what it was told.',
        tags: ['test'],
        examples: ['hello'],
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
}

export interface V1Agent extends Listening {
  executor: SdkAgentExecutor;
  /** Drops the next event stream the server sends, after `events` events. */
  cutNextStream(events: number): void;
  /** How many event streams were cut. */
  cuts: number;
}

export async function startV1Agent(): Promise<V1Agent> {
  const app = express();
  const listening = await listen(app);
  const executor = new SdkAgentExecutor();
  let cutAfter: number | undefined;
  const agent: V1Agent = {
    ...listening,
    executor,
    cutNextStream: (events) => void (cutAfter = events),
    cuts: 0,
  };
  const dropStream = (_req: Request, res: Response, next: NextFunction) => {
    if (cutAfter === undefined) return next();
    const after = cutAfter;
    let written = 0;
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    res.write = ((chunk: unknown) => {
      if (!String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream')) return write(chunk);
      if (res.destroyed) return false;
      if (written === after) {
        cutAfter = undefined;
        agent.cuts += 1;
        res.destroy();
        return false;
      }
      written += 1;
      return write(chunk);
    }) as Response['write'];
    next();
  };
  const mount = (base: string, name: string, guard?: express.RequestHandler, binding = 'JSONRPC') => {
    const handler = new DefaultRequestHandler(
      card(name, `${listening.url}${base}/rpc`, binding),
      new InMemoryTaskStore(),
      executor,
    );
    const options = { requestHandler: handler, userBuilder: UserBuilder.noAuthentication };
    app.use(`${base}/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
    app.use(
      `${base}/rpc`,
      ...(guard ? [guard] : []),
      dropStream,
      binding === 'JSONRPC' ? jsonRpcHandler(options) : restHandler(options),
    );
  };
  app.use(allowCors);
  mount('', 'Echo Agent');
  mount('/rest', 'Echo Agent over HTTP+JSON', undefined, 'HTTP+JSON');
  mount('/secure', 'Secure Echo', (req, res, next) => {
    if (req.headers.authorization === `Bearer ${SECURE_TOKEN}`) return next();
    res.status(401).json({ error: 'sign in' });
  });
  return agent;
}

/** An agent that speaks only A2A 0.3, built with the 0.3 SDK. */
export async function startV03Agent(): Promise<Listening> {
  const app = express();
  const listening = await listen(app);
  const executor: legacyServer.AgentExecutor = {
    async cancelTask() {},
    async execute(context, bus) {
      const { taskId, contextId, userMessage } = context;
      const text = userMessage.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
      bus.publish({
        kind: 'task',
        id: taskId,
        contextId,
        status: { state: 'submitted', timestamp: new Date().toISOString() },
        history: [userMessage],
      });
      bus.publish({ kind: 'status-update', taskId, contextId, status: { state: 'working' }, final: false });
      const files = userMessage.parts.flatMap((part): legacy.Part[] => {
        if (part.kind !== 'file' || !('bytes' in part.file)) return [];
        const bytes = Buffer.from(part.file.bytes, 'base64');
        return [
          { kind: 'text', text: `${part.file.name}: ${bytes.length} bytes, sha256 ${sha256(bytes)}` },
          {
            kind: 'file',
            file: {
              bytes: Buffer.from(bytes.reverse()).toString('base64'),
              name: `reversed-${part.file.name}`,
              mimeType: part.file.mimeType,
            },
          },
        ];
      });
      bus.publish({
        kind: 'artifact-update',
        taskId,
        contextId,
        artifact: {
          artifactId: 'answer',
          name: 'answer',
          parts: [{ kind: 'text', text: `echo: ${text}` }, ...files],
        },
        lastChunk: true,
      });
      bus.publish({
        kind: 'status-update',
        taskId,
        contextId,
        status: { state: 'completed', timestamp: new Date().toISOString() },
        final: true,
      });
      bus.finished();
    },
  };
  const agentCard: legacy.AgentCard = {
    name: 'Legacy Echo',
    description: 'An A2A 0.3 agent.',
    url: `${listening.url}/a2a`,
    preferredTransport: 'JSONRPC',
    protocolVersion: '0.3.0',
    version: '0.3.0',
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'echo', name: 'Echo', description: 'Says back what it was told.', tags: ['test'] }],
  };
  const handler = new legacyServer.DefaultRequestHandler(
    agentCard,
    new legacyServer.InMemoryTaskStore(),
    executor,
  );
  app.use(allowCors);
  app.use(`/${legacy.AGENT_CARD_PATH}`, legacyExpress.agentCardHandler({ agentCardProvider: handler }));
  app.use(
    '/a2a',
    legacyExpress.jsonRpcHandler({
      requestHandler: handler,
      userBuilder: legacyExpress.UserBuilder.noAuthentication,
    }),
  );
  return listening;
}
