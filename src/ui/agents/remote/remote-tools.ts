import type { AgentsApi } from '../../../runtime/index.ts';
import { A2AProvider } from './a2a-provider.ts';
import { McpProvider } from './mcp-provider.ts';
import type { RemoteKind, RemoteProvider, RemoteSource } from './remote-source.ts';

/**
 * The app's remote sources (every provider's), and their tools registered with the one Hearth's
 * agents, so a pipeline may name them and a run resumed after a reload finds them again. One per
 * page: the Agents view comes and goes, the registrations stay.
 */
export class RemoteTools {
  readonly a2a = new A2AProvider();
  readonly mcp = new McpProvider(() => this.changed());
  private readonly providers: RemoteProvider[] = [this.mcp, this.a2a];
  private registered: Array<() => void> = [];
  private refreshing: Promise<RemoteSource[]> | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  /** Every source, as the last refresh listed them. */
  sources: RemoteSource[] = [];
  /** `change` fires after every refresh. */
  readonly events = new EventTarget();

  constructor(private readonly agents: AgentsApi) {}

  /** A connection changed state or its tools: list and register again, once for a burst of changes. */
  private changed(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.refresh().catch(() => undefined), 50);
  }

  provider(kind: RemoteKind): RemoteProvider {
    return this.providers.find((p) => p.kind === kind)!;
  }

  /** Lists every source and registers the tools of those that work (again: the list may have changed). */
  refresh(): Promise<RemoteSource[]> {
    const run = async () => {
      // MCP servers are connected on the first refresh (their tools are known only from the server).
      await this.mcp.start().catch(() => undefined);
      const [sources, tools] = await Promise.all([
        Promise.all(this.providers.map((p) => p.list())).then((lists) => lists.flat()),
        Promise.all(this.providers.map((p) => p.agentTools())).then((lists) => lists.flat()),
      ]);
      for (const unregister of this.registered.splice(0)) unregister();
      this.registered = tools.map((tool) => this.agents.tools.register(tool));
      this.sources = sources;
      this.events.dispatchEvent(new Event('change'));
      return sources;
    };
    // Refreshes queue up: two at once would register twice.
    const next = (this.refreshing ?? Promise.resolve()).catch(() => undefined).then(run);
    this.refreshing = next;
    return next;
  }
}

let shared: { agents: AgentsApi; tools: RemoteTools } | undefined;

export function remoteTools(agents: AgentsApi): RemoteTools {
  if (shared?.agents !== agents) shared = { agents, tools: new RemoteTools(agents) };
  return shared.tools;
}
