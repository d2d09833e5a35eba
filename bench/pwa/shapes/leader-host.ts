import type { HearthError } from '../../../src/core/errors.ts';
import { engineHostLost } from '../../../src/engines/llm/shared/index.ts';
import { reportEngineLoss, type EngineHost } from '../../../src/runtime/engine-host.ts';

/**
 * The other shape of "one engine for every tab", measured against the SharedWorker engine: the tab
 * that wins a Web Lock leads and runs the engine in a dedicated worker; every tab reaches it through
 * a port the broker (a SharedWorker) hands over. When the leader goes, the next tab in the lock's
 * queue leads, starts a new engine (the model loads again) and says so on a BroadcastChannel: every
 * connection to the old engine is then reported lost, and the runtime reconnects on its next call.
 */
export function leaderTabEngineHost(buildId: string): EngineHost {
  const broker = new SharedWorker(new URL('./broker.worker.ts', import.meta.url), {
    type: 'module',
    name: `hearth-broker:${buildId}`,
  });
  const channel = new BroadcastChannel(`hearth-leader:${buildId}`);
  let reportCurrent: ((error: HearthError) => void) | undefined;
  const loseCurrent = () => {
    reportCurrent?.(engineHostLost());
    reportCurrent = undefined;
  };
  channel.onmessage = loseCurrent;
  void navigator.locks.request(`hearth-leader:${buildId}`, async () => {
    loseCurrent(); // a connection this tab had was to the leader that is gone
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
    const { port1: fromBroker, port2 } = new MessageChannel();
    fromBroker.onmessage = ({ ports }) => worker.postMessage(null, [ports[0]!]);
    broker.port.postMessage({ type: 'lead' }, [port2]);
    channel.postMessage({ type: 'leader' });
    await new Promise<never>(() => undefined); // leads for as long as this page lives
  });
  return () => {
    const { port1, port2 } = new MessageChannel();
    broker.port.postMessage({ type: 'connect' }, [port2]);
    const lost = new Promise<HearthError>((resolve) => (reportCurrent = resolve));
    return reportEngineLoss(port1, lost);
  };
}
