/// <reference lib="webworker" />
import type { WorkboxPlugin } from 'workbox-core';
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

/*
 * The app's one service worker (built by vite-plugin-pwa, `injectManifest`). It precaches the
 * build — the app shell, every chunk and worker, onnxruntime's .wasm — under the build's manifest,
 * and serves the app from it with or without a network. Models are not in the manifest: they live in
 * the asset store (OPFS, else the Cache API), written by the model store on the first visit, and
 * their requests pass through this worker untouched.
 *
 * A new build installs beside the running one and waits: the page offers the update, and only when
 * the person accepts does it take over (SKIP_WAITING), after which every tab reloads on the new
 * build's files. A page never runs a mix of two builds' files.
 */
declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

/**
 * Cross-origin isolation (and with it multi-threaded WASM) needs COOP and COEP on the page and on
 * its workers' scripts; a response from the precache carries whatever headers it was stored with,
 * and a host may send none. So every response this worker serves gets them.
 */
const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const isolate: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => {
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(isolationHeaders)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  },
};

addPlugins([isolate]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every navigation is the one page (the views are routed by the URL hash).
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
