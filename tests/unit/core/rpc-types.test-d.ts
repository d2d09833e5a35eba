/**
 * Type tests of the worker RPC's caller-side API, checked by `tsc -p .` (npm run typecheck): a
 * wrong type fails the compile. Vitest does not run this file; it holds no runtime assertions.
 */
import { expectTypeOf } from 'vitest';
import type { ProgressListener } from '../../../src/core/progress.ts';
import type { MethodName, RemoteApi } from '../../../src/core/rpc/index.ts';

interface Served {
  version: string;
  sync(x: number): string;
  async(x: number): Promise<string>;
  stream(n: number, options: { signal?: AbortSignal; onProgress?: ProgressListener }): AsyncIterable<number>;
  generator(): AsyncGenerator<number>;
  callback(onEach: (value: number) => void): void;
  fail(): never;
}

type Remote = RemoteApi<Served>;

// Every method becomes async, once: a method that already returns a promise is not wrapped twice.
expectTypeOf<Remote['sync']>().toEqualTypeOf<(x: number) => Promise<string>>();
expectTypeOf<Remote['async']>().toEqualTypeOf<(x: number) => Promise<string>>();
// Signals and callbacks stay in the parameters, at any depth.
expectTypeOf<Remote['stream']>().parameters.toEqualTypeOf<
  [n: number, options: { signal?: AbortSignal; onProgress?: ProgressListener }]
>();
expectTypeOf<Remote['callback']>().parameters.toEqualTypeOf<[onEach: (value: number) => void]>();
// Async iterables arrive as async iterables, to iterate with `for await`.
expectTypeOf<Remote['stream']>().returns.toEqualTypeOf<Promise<AsyncIterable<number>>>();
expectTypeOf<Awaited<ReturnType<Remote['generator']>>>().toExtend<AsyncIterable<number>>();
expectTypeOf<Remote['fail']>().returns.toEqualTypeOf<Promise<never>>();
// Fields are not part of the remote API.
expectTypeOf<keyof Remote>().toEqualTypeOf<'sync' | 'async' | 'stream' | 'generator' | 'callback' | 'fail'>();

// exposeApi's list takes method names only.
expectTypeOf<MethodName<Served>>().toEqualTypeOf<keyof Remote>();
class WithPrivate {
  served(): number {
    return this.internal();
  }
  private internal(): number {
    return 1;
  }
}
expectTypeOf<MethodName<WithPrivate>>().toEqualTypeOf<'served'>();
