import {
  A2AAgentStore,
  a2aAgentFromCard,
  a2aAgentTool,
  connectA2AAgent,
  type A2AConnectOptions,
  type A2AEvent,
  type A2APart,
  type A2AResult,
  type ToolContext,
  type ToolProgress,
} from '../../../src/agent/index.ts';

// The A2A bridge driven from a page (dev server, cross-origin isolated) against the loopback agents that
// tests/e2e/a2a.spec.ts starts; the spec calls these through page.evaluate. Bytes cross as base64.

type WirePart =
  { kind: 'text'; text: string } | { kind: 'file'; base64: string; name: string; mediaType: string };
type Outcome<T> = ({ ok: true } & T) | { ok: false; error: { code?: string; message: string } };

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

// Chromium 156 has Uint8Array.fromBase64/toBase64; TypeScript's ES2023 lib does not know them yet.
const fromBase64 = (text: string) =>
  (Uint8Array as unknown as { fromBase64(t: string): Uint8Array }).fromBase64(text);
const toBase64 = (bytes: Uint8Array) => (bytes as unknown as { toBase64(): string }).toBase64();

const fromWire = (part: WirePart): A2APart =>
  part.kind === 'text'
    ? part
    : { kind: 'file', bytes: fromBase64(part.base64), name: part.name, mediaType: part.mediaType };

/** Results and events with every byte array as base64 (and its SHA-256 beside it). */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: toBase64(value), length: value.byteLength };
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  }
  return value;
}

/** The Node Buffer the SDK reaches for must not have leaked onto the page. */
const globalBuffer = () => 'Buffer' in globalThis;

// The dev server serves a few hundred modules; the default buffer of 250 entries could drop the one we look for.
performance.setResourceTimingBufferSize(5000);

/** Whether the page has fetched the SDK's code (the pre-bundled dependency in dev). */
const sdkLoaded = () =>
  performance.getEntriesByType('resource').some((entry) => /a2a-js|remote-agent/.test(entry.name));

async function connect(url: string, options: A2AConnectOptions = {}) {
  try {
    const agent = await connectA2AAgent(url, options);
    return { ok: true as const, url: agent.url, card: agent.card };
  } catch (error) {
    return { ok: false as const, error: errorOf(error) };
  }
}

interface SendSpec {
  text?: string;
  parts?: WirePart[];
  taskId?: string;
  contextId?: string;
  /** Aborts the call after this long (a user pressing stop). */
  abortAfterMs?: number;
}

async function send(url: string, spec: SendSpec, options: A2AConnectOptions = {}) {
  const events: A2AEvent[] = [];
  const started = performance.now();
  const controller = new AbortController();
  if (spec.abortAfterMs !== undefined) setTimeout(() => controller.abort('stop pressed'), spec.abortAfterMs);
  try {
    const agent = await connectA2AAgent(url, options);
    const input = spec.parts
      ? {
          parts: spec.parts.map(fromWire),
          ...(spec.taskId ? { taskId: spec.taskId } : {}),
          ...(spec.contextId ? { contextId: spec.contextId } : {}),
        }
      : (spec.text ?? '');
    const result: A2AResult = await agent.send(input, {
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    });
    return {
      ok: true as const,
      result: toWire(result),
      events: toWire(events),
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      ok: false as const,
      error: errorOf(error),
      events: toWire(events),
      ms: performance.now() - started,
    };
  }
}

interface RecordedSpan {
  name: string;
  attributes: Record<string, string | number | boolean>;
  ended: boolean;
  error?: string;
}

/** What the agent loop gives a tool: the run's signal (aborted at the tool's timeout), progress, spans. */
function toolContext(signal: AbortSignal) {
  const progress: ToolProgress[] = [];
  const spans: RecordedSpan[] = [];
  const context: ToolContext = {
    signal,
    runId: 'run-1',
    callId: 'call-1',
    progress: (update) => progress.push(update),
    startSpan(name, attributes = {}) {
      const span: RecordedSpan = { name, attributes: { ...attributes }, ended: false };
      spans.push(span);
      return {
        setAttributes: (more) => Object.assign(span.attributes, more),
        end(error) {
          if (span.ended) return;
          span.ended = true;
          if (error !== undefined) span.error = (error as Error).message ?? String(error);
        },
      };
    },
  };
  return { context, progress, spans };
}

interface ToolSpec {
  args: unknown;
  /** The tool's timeout, as the loop applies it; else the run is aborted after abortAfterMs, or never. */
  timeoutMs?: number;
  abortAfterMs?: number;
  connect?: A2AConnectOptions;
}

async function runTool(url: string, spec: ToolSpec) {
  const started = performance.now();
  const agent = await connectA2AAgent(url, spec.connect ?? {});
  const tool = a2aAgentTool(agent, spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {});
  const controller = new AbortController();
  if (spec.abortAfterMs !== undefined) setTimeout(() => controller.abort('run stopped'), spec.abortAfterMs);
  const signal =
    tool.timeoutMs !== undefined
      ? AbortSignal.any([controller.signal, AbortSignal.timeout(tool.timeoutMs)])
      : controller.signal;
  const { context, progress, spans } = toolContext(signal);
  const parsed = tool.parameters.parse(spec.args);
  const described = {
    name: tool.name,
    description: tool.description,
    jsonSchema: tool.parameters.jsonSchema,
    source: tool.source,
  };
  if (!parsed.success)
    return { ok: false as const, error: { message: parsed.error }, tool: described, progress, spans };
  try {
    const result = await tool.execute(parsed.data, context);
    return {
      ok: true as const,
      result,
      tool: described,
      progress: toWire(progress),
      spans,
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      ok: false as const,
      error: errorOf(error),
      tool: described,
      progress: toWire(progress),
      spans,
      ms: performance.now() - started,
    };
  }
}

/** Calls left running while the spec does something else (reloads the page, releases a held task). */
const background = new Map<number, { events: A2AEvent[]; outcome?: unknown }>();

function startInBackground(kind: 'send' | 'resume', url: string, arg: string): number {
  const id = background.size + 1;
  const entry: { events: A2AEvent[]; outcome?: unknown } = { events: [] };
  background.set(id, entry);
  const onEvent = (event: A2AEvent) => entry.events.push(event);
  void connectA2AAgent(url)
    .then((agent) => (kind === 'send' ? agent.send(arg, { onEvent }) : agent.resume(arg, { onEvent })))
    .then(
      (result) => (entry.outcome = { ok: true, result: toWire(result) }),
      (error: unknown) => (entry.outcome = { ok: false, error: errorOf(error) }),
    );
  return id;
}

const store = new A2AAgentStore('hearth-a2a-test');

async function storeCall<T>(work: () => Promise<T>): Promise<Outcome<{ value: T }>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: errorOf(error) };
  }
}

/** A stored agent as a tool, without connecting first; then one call through it. */
async function toolFromStore(id: string, message: string) {
  const record = await store.get(id);
  if (!record?.card) throw new Error(`no card stored for ${id}`);
  const tool = a2aAgentTool(
    a2aAgentFromCard(record.url, record.card, { allowedOrigins: record.allowedOrigins }),
  );
  const loadedBeforeCall = sdkLoaded();
  const { context } = toolContext(new AbortController().signal);
  const result = await tool.execute({ message }, context);
  return { name: tool.name, loadedBeforeCall, loadedAfterCall: sdkLoaded(), result };
}

Object.assign(globalThis, {
  harness: {
    globalBuffer,
    sdkLoaded,
    connect,
    send,
    runTool,
    background: {
      start: startInBackground,
      state: (id: number) => {
        const entry = background.get(id);
        return entry && { events: toWire(entry.events), outcome: entry.outcome };
      },
    },
    store: {
      add: (url: string, allowedOrigins?: readonly string[]) =>
        storeCall(() => store.add(url, { allowedOrigins })),
      check: (id: string) => storeCall(async () => (await store.check(id)).record),
      list: () => storeCall(() => store.list()),
      remove: (id: string) => storeCall(() => store.remove(id)),
      clear: async () => {
        for (const record of await store.list()) await store.remove(record.id);
      },
    },
    toolFromStore,
  },
});
document.title = 'A2A harness ready';
