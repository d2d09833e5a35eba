import type { Browser } from 'playwright-core';

/**
 * Runs a full garbage collection in every JavaScript context of the browser — pages and their
 * workers, the shared engine, the service worker — through the DevTools protocol. An idle worker
 * may keep a model's downloaded bytes as garbage for minutes (V8 collects on allocation, and an idle
 * engine allocates nothing), so memory is compared after a collection everywhere, or one tab's
 * garbage would be counted against three tabs' steady state.
 */
export async function collectGarbageEverywhere(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await session.send('Target.getTargets');
    const kinds = new Set(['page', 'worker', 'shared_worker', 'service_worker']);
    const pending = new Map<string, () => void>();
    session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
      if ((JSON.parse(message) as { id?: number }).id === 1) pending.get(sessionId)?.();
    });
    let collected = 0;
    for (const target of targetInfos.filter((t) => kinds.has(t.type))) {
      try {
        const { sessionId } = await session.send('Target.attachToTarget', {
          targetId: target.targetId,
          flatten: false,
        });
        const done = new Promise<void>((resolve) => pending.set(sessionId, resolve));
        await session.send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }),
        });
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
        collected++;
      } catch {
        // A target that went away meanwhile holds no memory any more.
      }
    }
    return collected;
  } finally {
    await session.detach().catch(() => undefined);
  }
}
