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
  return { all, outside };
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
