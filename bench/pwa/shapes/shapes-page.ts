import { createHearth, type Hearth } from '../../../src/index.ts';
import { sharedEngineHost } from '../../../src/runtime/shared-engine-host.ts';
import { leaderTabEngineHost } from './leader-host.ts';

export type Shape = 'shared-worker' | 'leader-tab';

export interface Asked {
  firstChunkMs: number;
  decodeTokS: number;
  threads: number | undefined;
  /** Calls that failed with ENGINE_HOST_LOST before one was answered. */
  retries: number;
}

// One Hearth per tab whose chat engine is reached through one of the two shapes; the benchmark-shaped
// model from bench/.models (served by the dev server), greedy, on WASM.
let hearth: Hearth | undefined;
let asked = 0;

const harness = {
  create(shape: Shape, buildId: string, dtype: string) {
    hearth = createHearth({
      chat: {
        backend: 'ort',
        model: { baseUrl: `${location.origin}/bench/.models`, modelId: 'hearth-bench/smollm2-shaped' },
        device: 'wasm',
        dtype,
      },
      engineHost: shape === 'shared-worker' ? sharedEngineHost({ buildId }) : leaderTabEngineHost(buildId),
    });
  },

  /**
   * An answer to a question not asked before (no prompt prefix to reuse): from the call to its first
   * token, with one more call per ENGINE_HOST_LOST.
   */
  async ask(maxTokens: number, logitBias: Record<string, number>): Promise<Asked> {
    const started = performance.now();
    const question = `Question ${++asked} from ${crypto.randomUUID()}: tell me about the weather.`;
    for (let retries = 0; ; retries++) {
      try {
        let firstChunkMs: number | undefined;
        let decodeTokS = 0;
        const stream = await hearth!.chat.completions.create({
          messages: [{ role: 'user', content: question }],
          stream: true,
          temperature: 0,
          max_tokens: maxTokens,
          logit_bias: logitBias,
        });
        for await (const chunk of stream) {
          // The first chunk carries only the role; the first token comes with content.
          if (chunk.choices[0]?.delta.content) firstChunkMs ??= performance.now() - started;
          if (chunk.usage) decodeTokS = chunk.usage.timings.decode_tok_s;
        }
        const { threads } = await hearth!.chat.capabilities();
        return { firstChunkMs: firstChunkMs!, decodeTokS, threads, retries };
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENGINE_HOST_LOST' || retries > 2) throw error;
      }
    }
  },
};

Object.assign(globalThis, { harness });
