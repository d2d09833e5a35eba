/**
 * Lets queued messages run. ORT's WASM `run()` can resolve through microtasks alone, so a loop of
 * batches would never see an abort message from the page until it ended. A MessageChannel hop is a
 * macrotask without setTimeout's 4 ms clamp. (Not `scheduler.yield()`: its continuation is queued
 * ahead of pending messages, which is exactly what must not happen here.)
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}
