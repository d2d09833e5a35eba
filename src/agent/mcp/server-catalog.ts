import type { ConnectionEvents } from './connection-state.ts';
import { connectTimeoutMs, type ServerLink } from './connect-options.ts';
import { explainFailure } from './explain-failure.ts';
import { emptyLists, listServer, type ServerLists, type ToolEntry } from './lists.ts';
import type { ListKind, Session } from './session.ts';
import type { McpToolHost } from './tools.ts';

/**
 * What the server offers (tools, prompts, resources) as last read, and the re-reads that keep it
 * current: a whole read for each new session, one list at a time when the server says it changed.
 */
export class ServerCatalog {
  lists: ServerLists = emptyLists();

  constructor(
    private readonly link: ServerLink,
    /** The tools' calls go through it (the connection). */
    private readonly host: McpToolHost,
    private readonly events: ConnectionEvents,
  ) {}

  /** Reads every list on `session`; the caller adopts the result (see `replace`). */
  read(session: Session, doing: string): Promise<ServerLists> {
    return listServer(this.link.sdk, session, this.host, { doing, timeoutMs: connectTimeoutMs(this.link) });
  }

  /** The entry of a tool by the name the server gave it. */
  find(name: string): ToolEntry | undefined {
    return this.lists.tools.find((entry) => entry.tool.name === name);
  }

  /** Takes a new session's lists; true when the tools changed (the caller announces it once its state is set). */
  replace(lists: ServerLists): boolean {
    for (const { list, error } of lists.failures) {
      void explainFailure(this.link, error, `listing its ${list}`).then((failure) =>
        this.events.emit({ type: 'warning', error: failure }),
      );
    }
    const before = this.lists;
    this.lists = lists;
    return (
      before.tools.length !== lists.tools.length ||
      before.tools.some((t, i) => t.agentTool.name !== lists.tools[i]?.agentTool.name) ||
      lists.problems.length !== before.problems.length
    );
  }

  announceTools(): void {
    const { tools, problems } = this.lists;
    this.events.emit({ type: 'tools-changed', tools: tools.length, problems: [...problems] });
  }

  /** Re-reads one list after the server said it changed; a session that ended meanwhile is ignored. */
  async refreshList(session: Session, list: ListKind, isLive: (session: Session) => boolean): Promise<void> {
    if (!isLive(session)) return;
    try {
      const lists = await listServer(this.link.sdk, session, this.host, {
        only: list,
        previous: this.lists,
        doing: `refreshing its ${list}`,
        timeoutMs: connectTimeoutMs(this.link),
      });
      if (!isLive(session)) return;
      this.lists = lists;
      if (list === 'tools') this.announceTools();
      if (list === 'prompts') this.events.emit({ type: 'prompts-changed', prompts: lists.prompts.length });
      if (list === 'resources')
        this.events.emit({ type: 'resources-changed', resources: lists.resources.length });
    } catch (error) {
      this.events.emit({
        type: 'warning',
        error: await explainFailure(this.link, error, `refreshing its ${list}`),
      });
    }
  }
}
