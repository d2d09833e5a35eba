import { afterEach, describe, expect, it } from 'vitest';
import type { HearthError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/progress.ts';
import { connectApi, exposeApi, type WorkerHandle } from '../../../src/core/rpc/index.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../src/engines/llm/contract.ts';
import { LlmService, type LlmLoadOptions } from '../../../src/engines/llm/service.ts';
import {
  ENGINE_SESSION_METHODS,
  SharedLlmEngine,
  type EngineSession,
} from '../../../src/engines/llm/shared/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

// The engine shared by tabs, over the real LLM service and the tiny demo model on WASM: one engine
// generates one answer at a time, so an answer nobody reads holds it — these tests pin down that a
// session that goes away (or is paused) never keeps the others waiting, and that sessions asking for
// the same model share one load.
const reference = loadChatReference();
const demo: LlmLoadOptions = {
  backend: 'ort',
  model: { baseUrl: '/models', modelId: tinyChatModelId },
  device: 'wasm',
  dtype: 'fp32',
  threads: 1,
};
const question: ChatCompletionRequest = {
  messages: [{ role: 'user', content: 'What is Hearth?' }],
  temperature: 0,
  max_tokens: 6,
};
/** Banning end-of-text makes an answer run to max_tokens: long enough to be left mid-way. */
const long: ChatCompletionRequest = {
  ...question,
  stream: true,
  max_tokens: 64,
  logit_bias: { [String(reference.eos_token_id)]: -100 },
};

let services: LlmService[] = [];
afterEach(async () => {
  await Promise.all(services.map((service) => service.unload()));
  services = [];
});

/** The real service, counting the model loads it is asked for. */
function countedService() {
  const service = new LlmService({ filesFor: () => fsModelFiles(tinyChatModelId) });
  services.push(service);
  const loads: LlmLoadOptions[] = [];
  const load = service.load.bind(service);
  service.load = (options, progress) => {
    loads.push(options);
    return load(options, progress);
  };
  return { service, loads };
}

async function text(result: unknown): Promise<string> {
  let out = '';
  for await (const chunk of result as AsyncIterable<ChatCompletionChunk>)
    out += chunk.choices[0]!.delta.content ?? '';
  return out;
}

/** Starts a long answer and reads three chunks of it; the rest stays unread. */
async function leftMidway(session: EngineSession) {
  const iterator = ((await session.create(long)) as AsyncIterable<ChatCompletionChunk>)[
    Symbol.asyncIterator
  ]();
  for (let i = 0; i < 3; i++) expect((await iterator.next()).done).toBe(false);
  return iterator;
}

describe('one engine shared by several pages', () => {
  it('loads a model once for every session that asks for it, with progress to each', async () => {
    const { service, loads } = countedService();
    const engine = new SharedLlmEngine(service);
    const progress: Progress[][] = [[], [], []];
    const sessions = [engine.session(), engine.session(), engine.session()];
    const capabilities = await Promise.all(
      sessions.map((session, i) =>
        // Keys in another order are the same options.
        session.load(
          i === 1 ? { dtype: 'fp32', threads: 1, device: 'wasm', backend: 'ort', model: demo.model } : demo,
          {
            onProgress: (p) => progress[i]!.push(p),
          },
        ),
      ),
    );
    expect(loads).toHaveLength(1);
    expect(capabilities.map((c) => c.modelId)).toEqual([tinyChatModelId, tinyChatModelId, tinyChatModelId]);
    for (const seen of progress) expect(seen.length).toBeGreaterThan(0);
    const answers = await Promise.all(
      sessions.map(async (s) => text(await s.create({ ...question, stream: true }))),
    );
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]!.length).toBeGreaterThan(0);
    expect(engine.stats()).toEqual({ sessions: 3, modelLoads: 1, model: tinyChatModelId });
  });

  it('a session closed mid-answer frees the engine: the next session is answered, the closed one serves nothing more', async () => {
    const { service } = countedService();
    const engine = new SharedLlmEngine(service);
    const [gone, next] = [engine.session(), engine.session()];
    await Promise.all([gone.load(demo), next.load(demo)]);
    const expected = await text(await next.create({ ...question, stream: true }));
    await leftMidway(gone);
    gone.close();
    // Without the close, this would wait forever behind the unread answer.
    expect(await text(await next.create({ ...question, stream: true }))).toBe(expected);
    await expect(gone.create(question)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(engine.stats().sessions).toBe(1);
  });

  it('a paused session reads ANSWER_INTERRUPTED when it reads on, after the others were served', async () => {
    const { service } = countedService();
    const engine = new SharedLlmEngine(service);
    const [paused, other] = [engine.session(), engine.session()];
    await Promise.all([paused.load(demo), other.load(demo)]);
    const unread = await leftMidway(paused);
    paused.pause();
    expect((await text(await other.create({ ...question, stream: true }))).length).toBeGreaterThan(0);
    const error = await unread.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ANSWER_INTERRUPTED' });
    // It regenerates on the same session.
    expect((await text(await paused.create({ ...question, stream: true }))).length).toBeGreaterThan(0);
  });

  it('sessions asking for different models are served in turn, each on its own model', async () => {
    const { service, loads } = countedService();
    const engine = new SharedLlmEngine(service);
    const [a, b] = [engine.session(), engine.session()];
    const shortContext: LlmLoadOptions = { ...demo, contextLength: 64 };
    expect((await a.load(demo)).contextLength).toBeGreaterThan(64);
    expect((await b.load(shortContext)).contextLength).toBe(64);
    // a's request reloads a's model; b's the other; each answer runs on the model its session asked for.
    await text(await a.create({ ...question, stream: true }));
    expect((await service.capabilities()).contextLength).toBeGreaterThan(64);
    await text(await b.create({ ...question, stream: true }));
    expect((await service.capabilities()).contextLength).toBe(64);
    expect(loads).toHaveLength(4);
  });

  it('a waiting session that gives up leaves the shared load running for the others; all giving up cancels it', async () => {
    const { service, loads } = countedService();
    const engine = new SharedLlmEngine(service);
    const [quitter, stayer] = [engine.session(), engine.session()];
    const controller = new AbortController();
    const quitting = quitter.load(demo, { signal: controller.signal });
    const staying = stayer.load(demo);
    controller.abort('not needed');
    await expect(quitting).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(staying).resolves.toMatchObject({ modelId: tinyChatModelId });
    expect(loads).toHaveLength(1);

    const { service: other } = countedService();
    const lonely = new SharedLlmEngine(other).session();
    const alone = new AbortController();
    const cancelled = lonely.load(demo, { signal: alone.signal });
    alone.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(Promise.resolve().then(() => other.capabilities())).rejects.toMatchObject({
      code: 'MODEL_NOT_LOADED',
    });
  });

  it("one session's unload keeps the model for the others; the last one's unloads it", async () => {
    const { service } = countedService();
    const engine = new SharedLlmEngine(service);
    const [a, b] = [engine.session(), engine.session()];
    await Promise.all([a.load(demo), b.load(demo)]);
    await a.unload();
    expect(engine.stats().model).toBe(tinyChatModelId);
    await b.unload();
    expect(engine.stats().model).toBeUndefined();
    await expect(Promise.resolve().then(() => service.capabilities())).rejects.toMatchObject({
      code: 'MODEL_NOT_LOADED',
    });
  });
});

describe('a session over a port, as a tab reaches it', () => {
  let handle: WorkerHandle<EngineSession> | undefined;
  afterEach(() => handle?.terminate());

  it('streams across the port, and a port abandoned mid-stream ends the reader with the given error', async () => {
    const { service } = countedService();
    const engine = new SharedLlmEngine(service);
    const { port1, port2 } = new MessageChannel();
    exposeApi(engine.session(), ENGINE_SESSION_METHODS, port1 as unknown as Parameters<typeof exposeApi>[2]);
    handle = connectApi<EngineSession>(port2 as unknown as Parameters<typeof connectApi>[0]);
    await handle.api.load(demo);
    const stream = (await handle.api.create(long)) as AsyncIterable<ChatCompletionChunk>;
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const { HearthError } = await import('../../../src/core/errors.ts');
    handle.abandon(new HearthError('ENGINE_HOST_LOST', 'gone'));
    const error = (await iterator.next().catch((e: unknown) => e)) as HearthError;
    expect(error).toMatchObject({ code: 'ENGINE_HOST_LOST' });
    await expect(handle.api.stats()).rejects.toMatchObject({ code: 'ENGINE_HOST_LOST' });
    await expect(handle.failed).resolves.toMatchObject({ code: 'ENGINE_HOST_LOST' });
  });
});
