import { existsSync } from 'node:fs';

/** CHROMIUM_PATH, else Debian's chromium, else Playwright's own browser (installed the usual way). */
export function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

/** WebGPU on the CPU through SwiftShader; the background flags keep Chromium off the network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];
