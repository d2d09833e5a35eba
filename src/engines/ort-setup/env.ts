import * as ort from 'onnxruntime-web';

export interface OrtEnvOptions {
  /**
   * WASM threads. Default: `min(hardwareConcurrency, 4)` on a cross-origin isolated page, else 1
   * (without COOP/COEP there is no SharedArrayBuffer, and ORT would silently fall back to one thread).
   */
  threads?: number;
  /** Where ORT finds its .wasm (and, for unbundled builds, .mjs) files; see `browserWasmPaths`. */
  wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

export interface OrtEnvReport {
  threads: number;
  crossOriginIsolated: boolean;
  /** Why this thread count (the user's choice, or what the page allows). */
  reason: string;
}

let applied: OrtEnvReport | undefined;

/** The thread count Hearth uses when none is configured. */
export function defaultThreadCount(): { threads: number; reason: string } {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (!isolated)
    return {
      threads: 1,
      reason: 'the page is not cross-origin isolated (no COOP/COEP), so WASM runs one thread',
    };
  const threads = Math.max(1, Math.min(cores, 4));
  return { threads, reason: `cross-origin isolated page, ${cores} cores: using ${threads} (at most 4)` };
}

/**
 * Sets `ort.env` once per JavaScript realm (page or worker). ORT reads the WASM settings when it creates
 * its first session and ignores later changes, so the first call wins; later calls with a different
 * thread count get the settings already in force back (callers can report them).
 */
export function configureOrt(options: OrtEnvOptions = {}): OrtEnvReport {
  if (applied) return applied;
  const isolated = globalThis.crossOriginIsolated === true;
  const chosen =
    options.threads === undefined
      ? defaultThreadCount()
      : { threads: Math.max(1, Math.floor(options.threads)), reason: 'configured' };
  if (chosen.threads > 1 && !isolated && isBrowserLike()) {
    chosen.reason = `asked for ${chosen.threads} threads, but the page is not cross-origin isolated: using 1`;
    chosen.threads = 1;
  }
  ort.env.wasm.numThreads = chosen.threads;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.logLevel = options.logLevel ?? 'error';
  applied = { threads: chosen.threads, crossOriginIsolated: isolated, reason: chosen.reason };
  return applied;
}

/** The settings in force, if `configureOrt` ran. */
export function ortEnvReport(): OrtEnvReport | undefined {
  return applied;
}

function isBrowserLike(): boolean {
  return (
    typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof self !== 'undefined'
  );
}

export { ort };
