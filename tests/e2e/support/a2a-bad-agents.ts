/**
 * Agents that misbehave on purpose, written by hand on the wire (JSON-RPC over HTTP, events over SSE) because the
 * SDK's server would not misbehave. One server, three cards:
 *
 * - `/.well-known/agent-card.json`, A2A 1.0, streaming. Text `stop`: the stream sends the task and one working
 *   update, then ends mid-task (and so does every resubscription). `unknown`: after the task it sends an event of
 *   a kind no A2A version has, then holds the stream open. `silent`: after the task it sends nothing, open.
 * - `/legacy/agent-card.json`, A2A 0.3: `unknown` sends a 0.3 event with an unknown `kind`, then holds on.
 * - `/poll/agent-card.json`, A2A 1.0 without streaming: the task is `working` for two polls, then done.
 *
 * Also: a server without CORS (but with Cross-Origin-Resource-Policy, so an isolated page can still see that it
 * answers), and a card that points at another origin.
 */
import express, { type Request, type Response } from 'express';
import { allowCors, listen, type Listening } from './a2a-http.ts';

interface Rpc {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: {
    id?: string;
    message?: { parts?: Array<{ text?: string; kind?: string }>; taskId?: string; contextId?: string };
  };
}

export interface BadAgents extends Listening {
  /** Task ids the client asked to cancel. */
  cancelRequests: Set<string>;
  /** Streams currently held open by the server. */
  openStreams(): number;
}

const card = (name: string, endpoint: string, streaming: boolean) => ({
  name,
  description: 'Misbehaves on purpose.',
  supportedInterfaces: [{ url: endpoint, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
  version: '1',
  capabilities: { streaming },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [],
});

export async function startBadAgents(): Promise<BadAgents> {
  const app = express();
  const listening = await listen(app);
  const base = listening.url;
  const cancelRequests = new Set<string>();
  const streams = new Set<Response>();
  const behaviour = new Map<string, string>();
  const polls = new Map<string, number>();
  let nextTask = 0;

  const task = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
    id,
    contextId: `ctx-${id}`,
    status: { state, timestamp: new Date().toISOString() },
    artifacts: [],
    history: [],
    ...extra,
  });
  const sse = (res: Response) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return (id: Rpc['id'], result: unknown) =>
      res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id, result })}\n\n`);
  };
  const textOf = (rpc: Rpc) => rpc.params?.message?.parts?.map((part) => part.text ?? '').join('') ?? '';

  app.use(allowCors);
  app.use(express.json());
  app.get(
    '/.well-known/agent-card.json',
    (_req, res) => void res.json(card('Broken Streamer', `${base}/rpc`, true)),
  );
  app.get(
    '/poll/agent-card.json',
    (_req, res) => void res.json(card('Slow Poller', `${base}/poll/rpc`, false)),
  );
  app.get(
    '/legacy/agent-card.json',
    (_req, res) =>
      void res.json({
        name: 'Broken Legacy',
        description: 'An A2A 0.3 agent that misbehaves.',
        url: `${base}/legacy/rpc`,
        preferredTransport: 'JSONRPC',
        protocolVersion: '0.3.0',
        version: '1',
        capabilities: { streaming: true },
        defaultInputModes: ['text/plain'],
        defaultOutputModes: ['text/plain'],
        skills: [],
      }),
  );

  app.post('/rpc', (req: Request, res: Response) => {
    const rpc = req.body as Rpc;
    const taskId = rpc.params?.id ?? `task-${++nextTask}`;
    if (rpc.method === 'SendStreamingMessage') behaviour.set(taskId, textOf(rpc));
    const what = behaviour.get(taskId);
    switch (rpc.method) {
      case 'SendStreamingMessage':
      case 'SubscribeToTask': {
        const send = sse(res);
        send(rpc.id, { task: task(taskId, 'TASK_STATE_WORKING') });
        if (what === 'stop') {
          send(rpc.id, {
            statusUpdate: { taskId, contextId: `ctx-${taskId}`, status: { state: 'TASK_STATE_WORKING' } },
          });
          res.end();
        } else if (what === 'unknown') {
          send(rpc.id, { progressReport: { taskId, percent: 50 } });
        }
        return; // `silent` (and `unknown`) hold the stream open
      }
      case 'GetTask':
        return void res.json({ jsonrpc: '2.0', id: rpc.id, result: task(taskId, 'TASK_STATE_WORKING') });
      case 'CancelTask':
        cancelRequests.add(taskId);
        return void res.json({ jsonrpc: '2.0', id: rpc.id, result: task(taskId, 'TASK_STATE_CANCELED') });
      default:
        return void res.json({
          jsonrpc: '2.0',
          id: rpc.id,
          error: { code: -32601, message: 'Method not found' },
        });
    }
  });

  app.post('/poll/rpc', (req: Request, res: Response) => {
    const rpc = req.body as Rpc;
    if (rpc.method === 'SendMessage') {
      const taskId = `task-${++nextTask}`;
      polls.set(taskId, 0);
      return void res.json({
        jsonrpc: '2.0',
        id: rpc.id,
        result: { task: task(taskId, 'TASK_STATE_WORKING') },
      });
    }
    if (rpc.method === 'GetTask') {
      const taskId = rpc.params?.id ?? '';
      const count = (polls.get(taskId) ?? 0) + 1;
      polls.set(taskId, count);
      const done = count > 2;
      const artifacts = done
        ? [{ artifactId: 'a', name: 'answer', parts: [{ text: `done after ${count} polls` }] }]
        : [];
      return void res.json({
        jsonrpc: '2.0',
        id: rpc.id,
        result: task(taskId, done ? 'TASK_STATE_COMPLETED' : 'TASK_STATE_WORKING', { artifacts }),
      });
    }
    res.json({ jsonrpc: '2.0', id: rpc.id, error: { code: -32601, message: 'Method not found' } });
  });

  app.post('/legacy/rpc', (req: Request, res: Response) => {
    const rpc = req.body as Rpc;
    const taskId = rpc.params?.id ?? `task-${++nextTask}`;
    if (rpc.method === 'tasks/cancel') {
      cancelRequests.add(taskId);
      return void res.json({
        jsonrpc: '2.0',
        id: rpc.id,
        result: { kind: 'task', id: taskId, contextId: `ctx-${taskId}`, status: { state: 'canceled' } },
      });
    }
    if (rpc.method !== 'message/stream') {
      return void res.json({
        jsonrpc: '2.0',
        id: rpc.id,
        error: { code: -32601, message: 'Method not found' },
      });
    }
    const send = sse(res);
    send(rpc.id, {
      kind: 'task',
      id: taskId,
      contextId: `ctx-${taskId}`,
      status: { state: 'working' },
      history: [],
    });
    send(rpc.id, { kind: 'progress-report', taskId, percent: 50 });
  });

  return {
    ...listening,
    cancelRequests,
    openStreams: () => streams.size,
  };
}

/** Serves an agent card but sends no CORS headers (it does send CORP, so the page may see that it answers). */
export async function startCorsLessAgent(): Promise<Listening> {
  const app = express();
  const listening = await listen(app);
  app.use((_req, res, next) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  app.get(
    '/.well-known/agent-card.json',
    (_req, res) => void res.json(card('No CORS', `${listening.url}/rpc`, true)),
  );
  return listening;
}

/** A card on one origin whose endpoint is on another (`endpoint`). */
export async function startForwardingCard(endpoint: string): Promise<Listening> {
  const app = express();
  const listening = await listen(app);
  app.use(allowCors);
  app.get('/.well-known/agent-card.json', (_req, res) => void res.json(card('Forwarder', endpoint, true)));
  return listening;
}
