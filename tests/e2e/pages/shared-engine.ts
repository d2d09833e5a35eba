import { createHearth, type ChatCompletionChunk, type Hearth } from '../../../src/index.ts';
import { sharedEngineHost, sharedEngineStatus } from '../../../src/runtime/shared-engine-host.ts';

// One Hearth per page whose chat engine is the SharedWorker engine of `buildId`; the spec opens
// several pages (tabs) and closes, freezes or kills what serves them. Answers are streamed with the
// end-of-text token banned, so they run to `max_tokens`, and a page can stop reading mid-answer: the
// engine is then held by that answer until it is read on, ended, or the page goes away.
const baseUrl = `${location.origin}/models`;
const model = { baseUrl, modelId: 'hearth-demo/tiny-llama-chat' };
const question = [{ role: 'user' as const, content: 'What is Hearth?' }];

let hearth: Hearth | undefined;
let buildId = '';

interface Reading {
  iterator: AsyncIterator<ChatCompletionChunk>;
  text: string;
  chunks: number;
}
const readings = new Map<string, Reading>();

const failure = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

async function noEndBias(): Promise<Record<string, number>> {
  const config = (await (await fetch(`${baseUrl}/${model.modelId}/resolve/main/config.json`)).json()) as {
    eos_token_id: number | number[];
  };
  const ids = Array.isArray(config.eos_token_id) ? config.eos_token_id : [config.eos_token_id];
  return Object.fromEntries(ids.map((id) => [String(id), -100]));
}

const harness = {
  create(build: string) {
    hearth?.dispose();
    buildId = build;
    hearth = createHearth({
      chat: { backend: 'ort', model, device: 'wasm', dtype: 'fp32' },
      engineHost: sharedEngineHost({ buildId }),
    });
  },

  /** A whole answer, greedy: its text and how long the first chunk took. */
  async ask(maxTokens = 8) {
    const started = performance.now();
    let firstChunkMs: number | undefined;
    let text = '';
    try {
      const stream = await hearth!.chat.completions.create({
        messages: question,
        stream: true,
        temperature: 0,
        max_tokens: maxTokens,
      });
      for await (const chunk of stream) {
        firstChunkMs ??= performance.now() - started;
        text += chunk.choices[0]?.delta.content ?? '';
      }
      return { text, firstChunkMs, error: null };
    } catch (error) {
      return { text, firstChunkMs, error: failure(error) };
    }
  },

  /** Starts a long answer and reads its first `first` chunks, then stops reading. */
  async start(id: string, first: number, maxTokens = 200) {
    const stream = await hearth!.chat.completions.create({
      messages: question,
      stream: true,
      temperature: 0,
      max_tokens: maxTokens,
      logit_bias: await noEndBias(),
    });
    const reading: Reading = { iterator: stream[Symbol.asyncIterator](), text: '', chunks: 0 };
    readings.set(id, reading);
    while (reading.chunks < first) {
      const next = await reading.iterator.next();
      if (next.done) break;
      reading.chunks++;
      reading.text += next.value.choices[0]?.delta.content ?? '';
    }
    return { chunks: reading.chunks };
  },

  /** Reads the answer `start` left on to its end: what came, and how it ended. */
  async readOn(id: string) {
    const reading = readings.get(id)!;
    let finish: string | null = null;
    try {
      for (;;) {
        const next = await reading.iterator.next();
        if (next.done) break;
        reading.chunks++;
        reading.text += next.value.choices[0]?.delta.content ?? '';
        finish = next.value.choices[0]?.finish_reason ?? finish;
      }
      return { chunks: reading.chunks, finish, error: null };
    } catch (error) {
      return { chunks: reading.chunks, finish, error: failure(error) };
    }
  },

  status: () => sharedEngineStatus({ buildId }),
};

Object.assign(globalThis, { harness });
