import { VitePWA } from 'vite-plugin-pwa';
import type { PluginOption } from 'vite';

/**
 * The offline app (vite-plugin-pwa, `injectManifest`: workers/service-worker.ts) and its web app
 * manifest. The precache holds the whole build the page can run — the shell, every chunk and worker,
 * onnxruntime's .wasm (25 MB and 14 MB, hence the raised size limit; the default globs miss .wasm and
 * .mjs) — and not the bundled demo models (public/models), which, like every model, are kept in
 * the asset store by the model store on first use.
 */
export function hearthPwa(): PluginOption {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'workers',
    filename: 'service-worker.ts',
    registerType: 'prompt',
    // Registered by the app itself (src/ui/shell/offline-app.ts), after the first screen is usable.
    injectRegister: false,
    injectManifest: {
      globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,webmanifest}'],
      globIgnores: ['models/**', 'lib/**', '**/*.map'],
      maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      // Registered as a classic script: one file, no imports.
      rollupFormat: 'iife',
    },
    manifest: {
      id: '/',
      name: 'Hearth',
      short_name: 'Hearth',
      description: 'A private assistant: language models that run on this device.',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#f6f7f9',
      theme_color: '#2656b8',
      icons: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
  });
}

/**
 * The build's id, in the bundle as `import.meta.env.HEARTH_BUILD_ID` (src/runtime/build-id.ts):
 * HEARTH_BUILD_ID when set, else the build's start time. Tabs of one build share one engine; a tab of
 * a newer build never joins an older one's.
 */
export const buildIdDefine = {
  'import.meta.env.HEARTH_BUILD_ID': JSON.stringify(
    process.env.HEARTH_BUILD_ID ?? `b${Date.now().toString(36)}`,
  ),
};
