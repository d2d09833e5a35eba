import type { AgentsApi, Hearth } from '../../runtime/index.ts';
import { getHearth } from '../hearth-instance.ts';
import { saveNoteTool } from './notes.ts';
import { remoteTools, type RemoteTools } from './remote/remote-tools.ts';

/**
 * The one place the Agents view reaches the runtime: the app's one Hearth (its chat model is the one
 * chosen in Models), its agents with the app's own tool registered, and the remote sources' tools.
 * Everything is registered before the view validates a pipeline or resumes a run, so a paused run
 * finds its tools again after a reload.
 */
export interface AgentsLink {
  hearth: Hearth;
  agents: AgentsApi;
  remote: RemoteTools;
}

let opening: Promise<AgentsLink> | undefined;

export function openAgents(): Promise<AgentsLink> {
  opening ??= (async () => {
    const hearth = await getHearth();
    hearth.agents.tools.register(saveNoteTool);
    const remote = remoteTools(hearth.agents);
    // A store that cannot be read must not keep the view shut: the panel shows the failure.
    await remote.refresh().catch(() => []);
    return { hearth, agents: hearth.agents, remote };
  })().catch((error: unknown) => {
    opening = undefined;
    throw error;
  });
  return opening;
}
