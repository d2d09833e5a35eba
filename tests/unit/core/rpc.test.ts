import { afterEach, describe, expect, it } from 'vitest';
import { HearthError } from '../../../src/core/errors.ts';
import { connectApi, exposeApi, type WorkerHandle } from '../../../src/core/rpc/index.ts';
import type { Progress } from '../../../src/core/progress.ts';
import { LLM_METHODS, LlmService } from '../../../src/engines/llm/service.ts';
import { TEST_RPC_METHODS, TestRpcService } from '../../support/test-rpc-service.ts';

// A MessageChannel stands in for the worker's postMessage boundary: same structured clone, same transfers.
type Endpoint = Parameters<typeof exposeApi>[2];

function serve(service = new TestRpcService()): WorkerHandle<TestRpcService> {
  const { port1, port2 } = new MessageChannel();
  exposeApi(service, TEST_RPC_METHODS, port1 as unknown as Endpoint);
  return connectApi<TestRpcService>(port2 as unknown as Parameters<typeof connectApi>[0]);
}

let handle: WorkerHandle<TestRpcService> | undefined;
afterEach(() => handle?.terminate());

describe('rpc over a message channel', () => {
  it('streams an async iterable item by item and reports progress through a callback', async () => {
    handle = serve();
    const progress: Progress[] = [];
    const stream = await handle.api.count(5, { onProgress: (p: Progress) => progress.push(p) });
    const seen: number[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(progress.map((p) => p.loaded)).toEqual([1, 2, 3, 4, 5]);
    expect(progress[4]).toEqual({ phase: 'count', loaded: 5, total: 5 });
  });

  it('keeps the code, message and details of a HearthError', async () => {
    handle = serve();
    const error = await handle.api
      .fail('MODEL_FILE_MISSING', 'Download the model first.')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HearthError);
    expect(error).toMatchObject({
      code: 'MODEL_FILE_MISSING',
      message: 'Download the model first.',
      details: { from: 'test-rpc' },
    });
  });

  it('cancels a running call from an AbortSignal nested in the options', async () => {
    handle = serve();
    const controller = new AbortController();
    const started = Date.now();
    const pending = handle.api.spin({ signal: controller.signal, maxMs: 5000 });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cancels a stream mid-way and serves the next call at once', async () => {
    handle = serve();
    const controller = new AbortController();
    const stream = await handle.api.count(1000, { intervalMs: 5, signal: controller.signal });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const value of stream) {
        seen.push(value);
        if (value === 3) controller.abort('user pressed stop');
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED', message: 'Cancelled: user pressed stop' });
    expect(seen).toEqual([1, 2, 3]);
    const next = await handle.api.count(2);
    const again: number[] = [];
    for await (const value of next) again.push(value);
    expect(again).toEqual([1, 2]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    handle = serve();
    const error = await handle.api.spin({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
  });

  it('stops the producer when the consumer breaks out of the loop', async () => {
    handle = serve();
    const stream = await handle.api.count(1000, { intervalMs: 1 });
    for await (const value of stream) if (value === 2) break;
    // The served iterator was returned; the channel still answers new calls.
    await expect(handle.api.spin({ maxMs: 1 })).resolves.toBeGreaterThanOrEqual(0);
  });

  it('rejects pending and later calls after terminate', async () => {
    handle = serve();
    const pending = handle.api.spin({ maxMs: 5000 });
    handle.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await expect(handle.api.spin({ maxMs: 1 })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    handle = undefined;
  });

  it('ends a stream in flight when the connection fails, instead of waiting forever', async () => {
    handle = serve();
    const stream = await handle.api.count(1000, { intervalMs: 20 });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    handle.abandon(new HearthError('ENGINE_HOST_LOST', 'The engine behind this port stopped.'));
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ENGINE_HOST_LOST' });
    await expect(handle.api.spin({ maxMs: 1 })).rejects.toMatchObject({ code: 'ENGINE_HOST_LOST' });
    await expect(handle.failed).resolves.toMatchObject({ code: 'ENGINE_HOST_LOST' });
  });

  it('serves only the listed methods', async () => {
    const service = new TestRpcService();
    handle = serve(service);
    // The caller's type says `unlisted` exists (it is public); the worker does not serve it.
    await expect(handle.api.unlisted()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'This worker does not serve "unlisted"; it serves count, spin, fail. Call one of those.',
    });
    await expect(handle.api.constructor()).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(service.unlistedCalls).toBe(0);
    await expect(handle.api.spin({ maxMs: 1 })).resolves.toBeGreaterThanOrEqual(0);
  });

  it('takes only names of methods, checked by the compiler and at run time', () => {
    handle = undefined;
    const { port1 } = new MessageChannel();
    const service = new TestRpcService();
    // @ts-expect-error -- `unlistedCalls` is a field, not a method
    expect(() => exposeApi(service, ['unlistedCalls'], port1 as unknown as Endpoint)).toThrow(TypeError);
    // @ts-expect-error -- no such method
    expect(() => exposeApi(service, ['open'], port1 as unknown as Endpoint)).toThrow(TypeError);
    port1.close();
  });

  it("keeps the LLM service's internals (open, loaded, adapterApi) inside the worker", async () => {
    handle = undefined;
    const { port1, port2 } = new MessageChannel();
    const filesFor = () => {
      throw new Error('no model is opened in this test');
    };
    exposeApi(new LlmService({ filesFor }), LLM_METHODS, port1 as unknown as Endpoint);
    const llm = connectApi<Record<string, () => unknown>>(
      port2 as unknown as Parameters<typeof connectApi>[0],
    );
    try {
      for (const internal of ['open', 'loaded', 'adapterApi']) {
        await expect(llm.api[internal]!()).rejects.toMatchObject({
          code: 'INTERNAL',
          message: expect.stringContaining(`does not serve "${internal}"`),
        });
      }
      // A served method answers (with its own error: nothing is loaded).
      await expect(llm.api.capabilities!()).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    } finally {
      llm.terminate();
    }
  });
});
