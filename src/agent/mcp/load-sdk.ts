import type * as Sdk from './sdk.ts';

export type McpSdk = typeof Sdk;

let loading: Promise<McpSdk> | undefined;

/** The SDK chunk, fetched on the first connection and shared by every one after it. */
export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= import('./sdk.ts').catch((error: unknown) => {
    loading = undefined; // a failed chunk load (offline, a deploy in between) may succeed next time
    throw error;
  });
  return loading;
}
