import { expect, type Page } from '@playwright/test';

/**
 * Every request the page's context makes (workers included), and those to hosts other than
 * 127.0.0.1, which are refused: a test asserts `outside` is empty to show nothing left the machine.
 */
export async function watchRequests(page: Page): Promise<{ all: string[]; outside: string[] }> {
  const all: string[] = [];
  const outside: string[] = [];
  page.context().on('request', (request) => all.push(request.url()));
  await page.context().route('**', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.fallback();
    outside.push(url.href);
    return route.abort('blockedbyclient');
  });
  await watchSharedWorkers(page, (url) => {
    all.push(url);
    if (!/^(http:\/\/127\.0\.0\.1:|blob:|data:)/.test(url)) outside.push(url);
  });
  return { all, outside };
}

/**
 * Playwright neither reports nor routes the requests of SharedWorkers (the app's chat engine runs in
 * one): they are watched through the DevTools protocol instead, on each SharedWorker as it starts.
 * Watched, not blocked: a request leaving 127.0.0.1 is recorded, and the tests assert there is none.
 */
async function watchSharedWorkers(page: Page, onRequest: (url: string) => void): Promise<void> {
  const browser = page.context().browser();
  if (!browser) return;
  const session = await browser.newBrowserCDPSession();
  const workers = new Set<string>();
  session.on('Target.targetCreated', ({ targetInfo }) => {
    if (targetInfo.type !== 'shared_worker') return;
    void session
      .send('Target.attachToTarget', { targetId: targetInfo.targetId, flatten: false })
      .then(({ sessionId }) => {
        workers.add(sessionId);
        return session.send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id: 1, method: 'Network.enable' }),
        });
      })
      .catch(() => undefined); // a worker that stopped meanwhile made no more requests
  });
  session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    if (!workers.has(sessionId)) return;
    const event = JSON.parse(message) as { method?: string; params?: { request?: { url: string } } };
    if (event.method === 'Network.requestWillBeSent' && event.params?.request)
      onRequest(event.params.request.url);
  });
  await session.send('Target.setDiscoverTargets', { discover: true });
  page.on('close', () => void session.detach().catch(() => undefined));
}

/**
 * Opens the app with its page served under `require-trusted-types-for 'script'` (violations
 * collected in `window.__violations`), every request watched and page errors collected.
 */
export async function openUnderTrustedTypes(page: Page, app: string) {
  const requests = await watchRequests(page);
  await requireTrustedTypes(page, app);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(app);
  expect(response?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  return { requests, errors };
}

/** Serves the app's page with a Content-Security-Policy that enforces Trusted Types for scripts. */
async function requireTrustedTypes(page: Page, app: string): Promise<void> {
  await page.route(app, async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: {
        ...response.headers(),
        'content-security-policy':
          "require-trusted-types-for 'script'; trusted-types default lit-html dompurify",
      },
    });
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as { __violations?: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective}: ${e.sample}`),
    );
  });
}
