import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Pages of a site that embeds <hearth-chat>: served by their own server on 127.0.0.1 (port 0), so
 * their origin differs from the one that serves Hearth's library and models (the preview server),
 * as on a real site. Each page is set with its own headers (a Content-Security-Policy, say).
 */

export interface HostFile {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface HostPages {
  origin: string;
  put(path: string, file: HostFile): void;
  close(): Promise<void>;
}

export async function serveHostPages(): Promise<HostPages> {
  const files = new Map<string, HostFile>([
    ['/harness.js', { body: harnessScript, type: 'text/javascript' }],
  ]);
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://host').pathname);
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, {
      'Content-Type': file.type ?? 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...file.headers,
    });
    response.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    put: (path, file) => files.set(path, file),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HostPageOptions {
  title: string;
  /** Where Hearth's library is served: `<libBase>hearth-chat.js` is the component. */
  libBase: string;
  /** The page's own stylesheets (paths on the host). */
  styles?: string[];
  /** Elements to place, each an id and its attributes. */
  chats?: Array<{ id: string; attributes?: Record<string, string> }>;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A host page: its harness first (it must hear every event), then the component's one script tag. */
export function hostPageHtml(options: HostPageOptions): string {
  const links = (options.styles ?? [])
    .map((href) => `<link rel="stylesheet" href="${href}" />`)
    .join('\n    ');
  const chats = (options.chats ?? [])
    .map(({ id, attributes = {} }) => {
      const attrs = Object.entries(attributes)
        .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
        .join('');
      return `<hearth-chat id="${id}"${attrs}></hearth-chat>`;
    })
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${options.title}</title>
    ${links}
    <script type="module" src="/harness.js"></script>
    <script type="module" src="${options.libBase}hearth-chat.js"></script>
  </head>
  <body>
    <main>
      <h1>${options.title}</h1>
      <p>A page of another site, with the chat embedded below.</p>
      ${chats}
    </main>
  </body>
</html>
`;
}

/** The test's ears on the host page: every event of every <hearth-chat>, and CSP violations. */
const harnessScript = `
const events = [];
const violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')),
);
function watch(element) {
  for (const type of ['ready', 'message', 'error', 'progress'])
    element.addEventListener(type, (event) =>
      events.push({ id: element.id, type, detail: JSON.parse(JSON.stringify(event.detail ?? null)), t: performance.now() }),
    );
}
for (const element of document.querySelectorAll('hearth-chat')) watch(element);
globalThis.hearthHost = {
  events,
  violations,
  /** Adds a <hearth-chat> (listened to before it connects). */
  add(id, attributes = {}) {
    const element = document.createElement('hearth-chat');
    element.id = id;
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    watch(element);
    document.querySelector('main').append(element);
  },
};
`;
