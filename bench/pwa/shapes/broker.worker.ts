/// <reference lib="webworker" />

/*
 * The leader-tab shape's broker (measured against the SharedWorker engine, not shipped): a
 * SharedWorker that knows the leader tab's engine and hands it each tab's port, so a tab then talks
 * to the leader's engine worker directly (BroadcastChannel cannot carry ports).
 */
declare const self: SharedWorkerGlobalScope;
export {};

let leader: MessagePort | undefined;
const waiting: MessagePort[] = [];

self.onconnect = (event) => {
  const control = event.ports[0]!;
  control.onmessage = ({ data, ports }: MessageEvent<{ type: 'lead' | 'connect' }>) => {
    const port = ports[0]!;
    if (data.type === 'lead') {
      leader = port;
      for (const client of waiting.splice(0)) leader.postMessage(null, [client]);
    } else if (leader) leader.postMessage(null, [port]);
    else waiting.push(port);
  };
};
