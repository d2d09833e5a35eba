import {
  A2AAgentStore,
  a2aAgentFromCard,
  a2aAgentTool,
  a2aToolNameFor,
  type A2AAgentRecord,
  type AgentTool,
} from '../../../runtime/index.ts';
import { A2AAccessStore, type A2AAccess } from './a2a-access.ts';
import { conversational } from './a2a-tool.ts';
import type { RemoteProvider, RemoteSource, RemoteState } from './remote-source.ts';

export interface AddA2AAgent {
  url: string;
  token?: string;
  askFirst?: boolean;
  maxMessage?: number;
  /** Origins the card may send requests to besides its own (refused otherwise). */
  allowedOrigins?: string[];
}

/**
 * A2A agents as remote sources: the runtime's A2AAgentStore keeps each agent's address and card,
 * A2AAccessStore its token and whether it asks first. An agent becomes one tool (`a2a_<its name>`)
 * once its card is known; the tool connects on its first call, so listing loads no SDK.
 */
export class A2AProvider implements RemoteProvider {
  readonly kind = 'a2a' as const;

  constructor(
    private readonly store = new A2AAgentStore(),
    private readonly access = new A2AAccessStore(),
  ) {}

  async add(input: AddA2AAgent): Promise<string> {
    const record = await this.store.add(input.url, { allowedOrigins: input.allowedOrigins ?? [] });
    await this.access.put(record.id, {
      ...(input.token ? { token: input.token } : {}),
      askFirst: input.askFirst ?? false,
      ...(input.maxMessage ? { maxMessage: input.maxMessage } : {}),
    });
    await this.check(record.id);
    return record.id;
  }

  async list(): Promise<RemoteSource[]> {
    const records = await this.store.list();
    const taken = new Set<string>();
    return Promise.all(
      records.map(async (record) =>
        source(record, await this.access.get(record.id), uniqueName(record, taken)),
      ),
    );
  }

  async check(id: string, signal?: AbortSignal): Promise<void> {
    const { token } = await this.access.get(id);
    await this.store.check(id, {
      ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async remove(id: string): Promise<void> {
    await this.store.remove(id);
    await this.access.remove(id);
  }

  async setToken(id: string, token: string | null): Promise<void> {
    const current = await this.access.get(id);
    const { token: _old, ...rest } = current;
    await this.access.put(id, token ? { ...rest, token } : rest);
  }

  async setAskFirst(id: string, askFirst: boolean): Promise<void> {
    await this.access.put(id, { ...(await this.access.get(id)), askFirst });
  }

  async agentTools(): Promise<AgentTool[]> {
    const records = await this.store.list();
    const taken = new Set<string>();
    const tools: AgentTool[] = [];
    for (const record of records) {
      const name = uniqueName(record, taken);
      if (!record.card || !name) continue;
      const access = await this.access.get(record.id);
      const agent = a2aAgentFromCard(record.url, record.card, {
        allowedOrigins: record.allowedOrigins,
        ...(access.token ? { headers: { Authorization: `Bearer ${access.token}` } } : {}),
      });
      tools.push(
        conversational(
          a2aAgentTool(agent, { name, needsApproval: access.askFirst }) as AgentTool,
          record.card,
          access,
        ),
      );
    }
    return tools;
  }
}

/**
 * `a2a_<agent name>`, and `_2`, `_3`… for a second agent of the same name, in the order they were
 * added: the order the store lists them in, so a name stays the same across reloads.
 */
function uniqueName(record: A2AAgentRecord, taken: Set<string>): string | undefined {
  if (!record.card) return undefined;
  const base = a2aToolNameFor(record.card.name);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 60)}_${n}`;
  taken.add(name);
  return name;
}

function stateOf(record: A2AAgentRecord): RemoteState {
  if (record.state === 'failed')
    return record.error?.code === 'A2A_AUTH_REQUIRED' ? 'needs-sign-in' : 'failed';
  return record.state;
}

function source(record: A2AAgentRecord, access: A2AAccess, toolName: string | undefined): RemoteSource {
  const card = record.card;
  return {
    kind: 'a2a',
    id: record.id,
    name: card?.name || new URL(record.url).host,
    url: record.url,
    signIn: 'token',
    signedIn: Boolean(access.token),
    state: stateOf(record),
    ...(record.state === 'failed' && record.error ? { problem: record.error } : {}),
    ...(record.checkedAt ? { checkedAt: record.checkedAt } : {}),
    tools:
      card && toolName
        ? [{ name: toolName, label: card.name, description: card.description, asksFirst: access.askFirst }]
        : [],
    leftOut: [],
    skills: card?.skills.map((s) => ({ name: s.name, description: s.description })) ?? [],
    prompts: [],
    resources: [],
  };
}
