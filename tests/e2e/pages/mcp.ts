import { isHearthError } from '../../../src/core/errors.ts';
import { createHearth, type Hearth } from '../../../src/runtime/index.ts';
import type { AgentEvent } from '../../../src/agent/index.ts';
import {
  completeMcpSignIn,
  connectMcpServer,
  connectStoredServer,
  McpServerStore,
  signOutMcpServer,
  type McpConnection,
  type McpConnectOptions,
  type McpConnectionEvent,
  type McpServerConfig,
  type McpServerInput,
} from '../../../src/agent/mcp/index.ts';
import type { ToolContext, ToolProgress } from '../../../src/agent/tool.ts';

// The MCP bridge from a page: the spec (tests/e2e/mcp.spec.ts) starts real servers on loopback
// ports (other origins than this page) and drives the bridge through page.evaluate.
const connections = new Map<string, McpConnection>();
const events = new Map<string, McpConnectionEvent[]>();
const calls = new Map<
  string,
  { controller: AbortController; progress: ToolProgress[]; done: Promise<CallOutcome> }
>();
const store = new McpServerStore('hearth-mcp-test');
const redirectUrl = `${location.origin}${location.pathname}`;

type CallOutcome = { result: unknown } | { error: { code?: string; message: string } };

const errorOf = (error: unknown) =>
  isHearthError(error) ? { code: error.code, message: error.message } : { message: String(error) };

function track(id: string, connection: McpConnection) {
  connections.set(id, connection);
  const seen: McpConnectionEvent[] = [];
  events.set(id, seen);
  connection.subscribe((event) => seen.push(event));
}

function summary(connection: McpConnection) {
  return {
    state: connection.state,
    tools: connection.tools().map((t) => ({
      name: t.name,
      description: t.description,
      needsApproval: t.needsApproval,
      idempotent: t.idempotent,
    })),
    problems: connection.toolProblems(),
    prompts: connection.prompts().map((p) => p.name),
    resources: connection.resources().length,
  };
}

async function connect(
  config: McpServerConfig,
  options: Pick<McpConnectOptions, 'reconnect' | 'connectTimeoutMs'> = {},
) {
  try {
    const connection = await connectMcpServer(config, options);
    track(config.id, connection);
    return summary(connection);
  } catch (error) {
    return { error: errorOf(error) };
  }
}

function context(signal: AbortSignal, progress: ToolProgress[]): ToolContext {
  return {
    signal,
    runId: 'page-run',
    callId: crypto.randomUUID(),
    progress: (update) => progress.push(update),
    startSpan: () => ({ setAttributes: () => undefined, end: () => undefined }),
  };
}

function tool(serverId: string, name: string) {
  const found = connections
    .get(serverId)
    ?.tools()
    .find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name} on ${serverId}`);
  return found;
}

/** Starts a call (validated like the agent loop does); `finish` waits for it, `abort` cancels it. */
function startCall(serverId: string, name: string, args: unknown): string {
  const key = crypto.randomUUID();
  const controller = new AbortController();
  const progress: ToolProgress[] = [];
  const done = (async (): Promise<CallOutcome> => {
    try {
      const t = tool(serverId, name);
      const parsed = t.parameters.parse(args);
      if (!parsed.success) return { error: { code: 'ARGUMENTS', message: parsed.error } };
      return { result: await t.execute(parsed.data, context(controller.signal, progress)) };
    } catch (error) {
      return { error: errorOf(error) };
    }
  })();
  calls.set(key, { controller, progress, done });
  return key;
}

async function finish(key: string) {
  const call = calls.get(key)!;
  const outcome = await call.done;
  return { ...outcome, progress: call.progress };
}

async function call(serverId: string, name: string, args: unknown) {
  return finish(startCall(serverId, name, args));
}

async function getPrompt(serverId: string, name: string, args: Record<string, string>): Promise<CallOutcome> {
  try {
    return { result: await connections.get(serverId)!.getPrompt(name, args, { timeoutMs: 5_000 }) };
  } catch (error) {
    return { error: errorOf(error) };
  }
}

/** A call by the server's own tool name, listed or not (no argument check: the server answers). */
async function callByServerName(
  serverId: string,
  name: string,
  args: Record<string, unknown>,
): Promise<CallOutcome> {
  try {
    return { result: await connections.get(serverId)!.call(name, args, { timeoutMs: 5_000 }) };
  } catch (error) {
    return { error: errorOf(error) };
  }
}

// ---- servers kept in IndexedDB, OAuth through this page ----------------------------------------

async function addStored(input: McpServerInput) {
  await store.remove(input.id);
  return store.add(input);
}

async function connectStored(id: string) {
  const record = await store.get(id);
  if (!record) throw new Error(`no stored server ${id}`);
  await connections.get(id)?.close();
  const connection = await connectStoredServer(record, { store, redirectUrl });
  track(id, connection);
  // Wait for the first attempt to settle one way or the other.
  for (let i = 0; i < 300 && ['connecting', 'reconnecting'].includes(connection.state.status); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return summary(connection);
}

let signInOutcome: Promise<unknown> | undefined;
const url = new URL(location.href);
if (url.searchParams.has('state')) {
  signInOutcome = completeMcpSignIn(location.href, { store, redirectUrl }).then(
    (pending) => ({ serverId: pending.serverId }),
    (error: unknown) => ({ error: errorOf(error) }),
  );
}

// ---- a demo-model agent calling an MCP tool ------------------------------------------------------

function shortStrings(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...schema,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        property.type === 'string' && property.maxLength === undefined
          ? { ...property, maxLength: 16 }
          : property,
      ]),
    ),
  };
}

/**
 * An agent run of the tiny demo model (hearth.agents, the real loop) with one MCP tool, which it is
 * made to call (toolChoice: constrained decoding), then to answer from the result. The model is
 * tiny and nearly random: held only to "a string", it writes one until max_tokens runs out, so the
 * schema it is shown caps string lengths (narrower than the server's, so any call it makes is one the
 * server accepts); the loop checks the arguments with the tool's own parameters, from the server's schema.
 */
async function agentTurn(serverId: string, toolName: string, question: string) {
  const mcpTool = tool(serverId, toolName);
  const shown = {
    ...mcpTool,
    parameters: { ...mcpTool.parameters, jsonSchema: shortStrings(mcpTool.parameters.jsonSchema) },
  };
  const hearth: Hearth = createHearth({
    chat: {
      backend: 'ort',
      model: { baseUrl: `${location.origin}/models`, modelId: 'hearth-demo/tiny-llama-chat' },
      device: 'wasm',
      dtype: 'fp32',
    },
    agents: { databaseName: 'hearth-agents-mcp-test', builtins: false, tools: [shown] },
  });
  try {
    const run = hearth.agents.run({
      pipeline: {
        version: 1,
        name: 'mcp-demo',
        preamble: 'Be brief.',
        entry: 'echoer',
        agents: [
          {
            name: 'echoer',
            tools: [mcpTool.name],
            model: { temperature: 0, max_tokens: 48, toolChoice: 'required' },
          },
        ],
        limits: { maxTurns: 3 },
      },
      input: question,
    });
    const seen: AgentEvent[] = [];
    for await (const event of run) seen.push(event);
    const result = await run.result;
    const started = seen.find((e) => e.type === 'tool_call_started');
    const finished = seen.find((e) => e.type === 'tool_call_finished');
    return {
      status: result.status,
      called: started?.type === 'tool_call_started' ? started.tool : undefined,
      args: started?.type === 'tool_call_started' ? started.arguments : undefined,
      toolStatus: finished?.type === 'tool_call_finished' ? finished.status : undefined,
      output: finished?.type === 'tool_call_finished' ? finished.output : undefined,
    };
  } catch (error) {
    return { error: errorOf(error) };
  } finally {
    hearth.dispose();
  }
}

Object.assign(globalThis, {
  harness: {
    connect,
    summary: (id: string) => summary(connections.get(id)!),
    state: (id: string) => connections.get(id)?.state,
    events: (id: string) => events.get(id) ?? [],
    startCall,
    abort: (key: string, reason: string) => calls.get(key)?.controller.abort(new Error(reason)),
    progressOf: (key: string) => calls.get(key)?.progress ?? [],
    finish,
    call,
    callByServerName,
    getPrompt,
    close: async (id: string) => connections.get(id)?.close(),
    closeAll: async () => {
      for (const connection of connections.values()) await connection.close();
      connections.clear();
    },
    addStored,
    connectStored,
    listStored: () => store.list(),
    signIn: (id: string) => connections.get(id)!.signIn(),
    signInOutcome: () => signInOutcome,
    oauthRecord: (serverUrl: string) => store.oauthStore(serverUrl).load(),
    signOut: (serverUrl: string) => signOutMcpServer(serverUrl, { store }),
    agentTurn,
  },
});
document.title = 'mcp harness ready';
