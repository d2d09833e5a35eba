import type * as XGrammarModule from '@mlc-ai/web-xgrammar';
import type * as NodeModule from 'node:module';
import { HearthError } from '../../../core/errors.ts';

/** The part of @mlc-ai/web-xgrammar Hearth uses (its own typings describe each member). */
export type XGrammar = typeof XGrammarModule;

let loading: Promise<XGrammar> | undefined;
let lastEngineMessage: string | undefined;

/**
 * The engine reports why it rejected a grammar only by printing `[FATAL] file:line: reason` to
 * stderr before aborting. Returns (and forgets) the last such reason, without the file position.
 */
export function takeGrammarEngineMessage(): string | undefined {
  const message = lastEngineMessage;
  lastEngineMessage = undefined;
  return message;
}

/**
 * Loads web-xgrammar once. Its package is a UMD bundle marked `"type": "module"`: imported as an ES
 * module it exports nothing by name and attaches itself to `globalThis.xgrammar`. In Node it also
 * reads `require` and `__filename` while it starts, which ES modules do not define, so both are
 * provided first (pointing at the package's own file, as CommonJS would).
 */
export function loadXGrammar(): Promise<XGrammar> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw new HearthError(
      'GRAMMAR_UNAVAILABLE',
      'The grammar engine (@mlc-ai/web-xgrammar) failed to load, so constrained decoding is off. ' +
        'Reinstall the app dependencies, or send the request without response_format/tools.',
      { cause: error },
    );
  });
  return loading;
}

async function load(): Promise<XGrammar> {
  const scope = globalThis as Record<string, unknown>;
  if (isNode() && scope.require === undefined) {
    const nodeModule = 'node:module';
    const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof NodeModule;
    const require = createRequire(import.meta.url);
    scope.require = require;
    scope.__filename ??= require.resolve('@mlc-ai/web-xgrammar');
  }
  const imported = (await import('@mlc-ai/web-xgrammar')) as Partial<XGrammar> & { default?: XGrammar };
  const candidates = [imported, imported.default, scope.xgrammar as XGrammar | undefined];
  const found = candidates.find((c): c is XGrammar => typeof c?.GrammarCompiler === 'function');
  if (!found) throw new Error('web-xgrammar loaded but exposed no GrammarCompiler');
  await startCapturingEngineMessages(found);
  return found;
}

/**
 * The engine's WASM module binds `console.error` once, when it is instantiated (on first use). Starting
 * it here behind a console.error that keeps `[FATAL]` lines gives us its reasons from then on; other
 * lines still go to the console. The global console.error is restored right after.
 */
async function startCapturingEngineMessages(xg: XGrammar): Promise<void> {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    const fatal = /\[FATAL\][^:]*:\d+:\s*(.*)/s.exec(text);
    if (fatal) lastEngineMessage = fatal[1]!.trim();
    else if (text !== 'Aborted()') original.apply(console, args);
  };
  try {
    (await xg.Grammar.builtinJSONGrammar()).dispose();
  } finally {
    console.error = original;
  }
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
