import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentTool, ToolParameters } from '../tool.ts';
import type { McpSdk } from './load-sdk.ts';
import type { ListKind, Session } from './session.ts';
import { checkToolSchema } from './tool-schema.ts';
import { toAgentTool, type McpToolHost } from './tools.ts';
import type { McpPromptInfo, McpResourceInfo, McpResourceTemplateInfo, McpToolProblem } from './types.ts';

export interface ToolEntry {
  tool: Tool;
  agentTool: AgentTool;
  /** Checks `structuredContent` against the tool's output schema, when it has one. */
  output?: ToolParameters<Record<string, unknown>>;
}

export interface ServerLists {
  tools: ToolEntry[];
  problems: McpToolProblem[];
  prompts: McpPromptInfo[];
  resources: McpResourceInfo[];
  templates: McpResourceTemplateInfo[];
  /** Lists other than tools that could not be read (the connection reports them as warnings). */
  failures: Array<{ list: ListKind; error: unknown }>;
}

/** A server may page its lists; past this many pages it is looping, not listing. */
const MAX_PAGES = 100;

async function allPages(
  sdk: McpSdk,
  session: Session,
  method: string,
  key: string,
  timeoutMs: number,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await session.answered.track((onresumptiontoken) =>
      session.client.request(
        { method, ...(cursor ? { params: { cursor } } : {}) } as never,
        sdk.lenientPageSchema(key) as never,
        { timeout: timeoutMs, onresumptiontoken },
      ),
    );
    const body = result as unknown as Record<string, unknown>;
    items.push(...(body[key] as unknown[]));
    cursor = body.nextCursor as string | undefined;
    if (!cursor) return items;
  }
  throw new Error(`${method} gave more than ${MAX_PAGES} pages`);
}

export function emptyLists(): ServerLists {
  return { tools: [], problems: [], prompts: [], resources: [], templates: [], failures: [] };
}

const toolNameOf = (item: unknown) =>
  typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'
    ? (item as { name: string }).name
    : '(unnamed)';

/**
 * Checks every tool on its own: the SDK's shape of a tool, then its input schema. A tool that fails
 * is reported with the reason and left out; the server's other tools stay usable.
 */
function checkTools(
  sdk: McpSdk,
  items: unknown[],
  host: McpToolHost,
): Pick<ServerLists, 'tools' | 'problems'> {
  const tools: ToolEntry[] = [];
  const problems: McpToolProblem[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const name = toolNameOf(item);
    const problem = (reason: string) => problems.push({ tool: name, code: 'MCP_SCHEMA_UNUSABLE', reason });
    const parsed = sdk.ToolSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problem(
        `it is not a valid MCP tool: ${issue ? `${issue.path.join('.') || 'tool'}: ${issue.message}` : 'malformed'}`,
      );
      continue;
    }
    const tool = parsed.data as Tool;
    if (seen.has(tool.name)) {
      problem('the server lists two tools of this name');
      continue;
    }
    seen.add(tool.name);
    if (tool.execution?.taskSupport === 'required') {
      problem('it only runs as an MCP task, which Hearth does not drive yet');
      continue;
    }
    const checked = checkToolSchema(sdk, tool.inputSchema);
    if (!checked.ok) {
      problem(checked.reason);
      continue;
    }
    const output =
      tool.outputSchema === undefined ? undefined : checkToolSchema(sdk, tool.outputSchema, 'result');
    if (output && !output.ok) {
      problem(output.reason.replace('input schema', 'output schema'));
      continue;
    }
    tools.push({
      tool,
      agentTool: toAgentTool(tool, checked.parameters, host),
      ...(output ? { output: output.parameters } : {}),
    });
  }
  return { tools, problems };
}

function listOf<T>(
  sdk: McpSdk,
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
  items: unknown[],
): T[] {
  return items.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data as T] : [];
  });
}

/**
 * Lists what the server offers (only what its capabilities announce): tools always, prompts and
 * resources when they are offered. `only` refreshes one list and keeps the others from `previous`.
 */
export async function listServer(
  sdk: McpSdk,
  session: Session,
  host: McpToolHost,
  options: { only?: ListKind; previous?: ServerLists; doing: string; timeoutMs: number },
): Promise<ServerLists> {
  const capabilities = session.client.getServerCapabilities() ?? {};
  const previous = options.previous ?? emptyLists();
  const lists: ServerLists = { ...previous, failures: [] };
  const wants = (kind: ListKind) => options.only === undefined || options.only === kind;
  const { timeoutMs } = options;

  if (wants('tools')) {
    const items = capabilities.tools ? await allPages(sdk, session, 'tools/list', 'tools', timeoutMs) : [];
    Object.assign(lists, checkTools(sdk, items, host));
  }
  // A server whose prompts or resources cannot be listed still offers its tools.
  const orNothing = (list: ListKind) => (error: unknown) => {
    lists.failures.push({ list, error });
    return [] as unknown[];
  };
  if (wants('prompts')) {
    const items = capabilities.prompts
      ? await allPages(sdk, session, 'prompts/list', 'prompts', timeoutMs).catch(orNothing('prompts'))
      : [];
    lists.prompts = listOf<{
      name: string;
      title?: string;
      description?: string;
      arguments?: McpPromptInfo['arguments'];
    }>(sdk, sdk.PromptSchema, items).map((prompt) => ({
      name: prompt.name,
      ...(prompt.title ? { title: prompt.title } : {}),
      ...(prompt.description ? { description: prompt.description } : {}),
      arguments: (prompt.arguments ?? []).map((a) => ({
        name: a.name,
        ...(a.description ? { description: a.description } : {}),
        required: a.required === true,
      })),
    }));
  }
  if (wants('resources')) {
    if (capabilities.resources) {
      const [resources, templates] = await Promise.all([
        allPages(sdk, session, 'resources/list', 'resources', timeoutMs).catch(orNothing('resources')),
        allPages(sdk, session, 'resources/templates/list', 'resourceTemplates', timeoutMs).catch(() => []),
      ]);
      lists.resources = listOf<McpResourceInfo>(sdk, sdk.ResourceSchema, resources).map(
        ({ uri, name, title, description, mimeType }) => ({ uri, name, title, description, mimeType }),
      );
      lists.templates = listOf<McpResourceTemplateInfo>(sdk, sdk.ResourceTemplateSchema, templates).map(
        ({ uriTemplate, name, title, description, mimeType }) => ({
          uriTemplate,
          name,
          title,
          description,
          mimeType,
        }),
      );
    } else {
      lists.resources = [];
      lists.templates = [];
    }
  }
  return lists;
}
