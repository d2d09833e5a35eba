import { HearthError, throwIfAborted } from '../../core/errors.ts';
import type { ModelFiles } from '../../core/model-files.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import {
  chooseDevice,
  configureOrt,
  createSession,
  sessionSignature,
  type DevicePreference,
  type ort,
} from '../ort-setup/index.ts';
import { checkGraphInputs } from './batch-inputs.ts';
import { readModelFile, readModelJsonFile } from './model-json.ts';
import { OnnxEmbedder } from './onnx-embedder.ts';
import { configFacts, resolveSpec, type EmbedModelSpec } from './spec.ts';
import { EmbedTokenizer } from './tokenizer.ts';

export interface LoadEmbedderOptions extends LongOperationOptions {
  /** Facts from the catalog; whatever is missing comes from config.json / tokenizer_config.json. */
  spec?: Partial<EmbedModelSpec>;
  device?: DevicePreference;
  /** The graph inside the repository; hub exports keep it at onnx/model.onnx. */
  modelFile?: string;
  /** Texts per ORT run (after sorting by length). Default 32. */
  batchSize?: number;
  /** WASM threads; only the first model loaded in a worker sets it (see configureOrt). */
  threads?: number;
}

export const DEFAULT_BATCH_SIZE = 32;

/** Reads a model through `files`, picks the backend, and returns a ready embedder. */
export async function loadOnnxEmbedder(
  files: ModelFiles,
  options: LoadEmbedderOptions = {},
): Promise<OnnxEmbedder> {
  const { signal, onProgress } = options;
  const label = `${files.modelId}@${files.revision}`;
  const modelFile = options.modelFile ?? 'onnx/model.onnx';
  const total = 4;
  let loaded = 0;
  const step = (file: string) => onProgress?.({ phase: 'load', file, loaded: ++loaded, total });

  const env = configureOrt(options.threads === undefined ? {} : { threads: options.threads });
  const choice = await chooseDevice(options.device ?? 'auto');
  throwIfAborted(signal);

  const config = await readModelJsonFile(files, 'config.json');
  step('config.json');
  const tokenizerConfig = (await files.has('tokenizer_config.json'))
    ? await readModelJsonFile(files, 'tokenizer_config.json')
    : {};
  const tokenizerJson = await readModelJsonFile(files, 'tokenizer.json');
  step('tokenizer.json');
  throwIfAborted(signal);
  const spec = resolveSpec(options.spec, configFacts(config, tokenizerConfig), label);
  const tokenizer = EmbedTokenizer.create(tokenizerJson, tokenizerConfig, label);

  const bytes = await readModelFile(files, modelFile, signal);
  step(modelFile);
  throwIfAborted(signal);

  const sessionLabel = `${label} ${modelFile}`;
  const session = await createSession(bytes, { device: choice.device, label: sessionLabel });
  // The bytes are not kept (they can be hundreds of MB): a rebuild reads them again.
  const recreateSession = async () =>
    createSession(await readModelFile(files, modelFile), { device: choice.device, label: sessionLabel });
  try {
    throwIfAborted(signal);
    const signature = sessionSignature(session);
    const inputTypes = checkGraphInputs(signature.inputs, label);
    const outputName = pickHiddenStateOutput([...signature.outputs.keys()], label);
    checkWidth(session, outputName, spec.dimensions, label);
    step('session');
    return new OnnxEmbedder({
      info: {
        modelId: files.modelId,
        revision: files.revision,
        dimensions: spec.dimensions,
        maxTokens: spec.maxTokens,
        device: choice.device,
        deviceReason: choice.reason,
        threads: env.threads,
        threadsReason: env.reason,
      },
      spec,
      tokenizer,
      session,
      recreateSession,
      inputTypes,
      outputName,
      padId: padTokenId(config, tokenizerJson),
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}

/** Hub exports name the token-level output last_hidden_state; older ones call it token_embeddings. */
function pickHiddenStateOutput(outputs: string[], label: string): string {
  const name = ['last_hidden_state', 'token_embeddings'].find((candidate) => outputs.includes(candidate));
  if (!name)
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `${label} has no last_hidden_state output (it has ${outputs.join(', ')}). Use a feature-extraction export.`,
    );
  return name;
}

function padTokenId(config: unknown, tokenizerJson: unknown): number {
  const fromConfig = (config as { pad_token_id?: unknown }).pad_token_id;
  if (typeof fromConfig === 'number') return fromConfig;
  const added =
    (tokenizerJson as { added_tokens?: Array<{ id: number; content: string }> }).added_tokens ?? [];
  return added.find((token) => /pad/i.test(token.content))?.id ?? 0;
}

/** A spec whose width disagrees with the graph would produce wrong vectors: refuse it at load time. */
function checkWidth(
  session: ort.InferenceSession,
  outputName: string,
  dimensions: number,
  label: string,
): void {
  const metadata = session.outputMetadata.find((m) => m.name === outputName);
  const width = metadata?.isTensor ? metadata.shape.at(-1) : undefined;
  if (typeof width === 'number' && width !== dimensions)
    throw new HearthError(
      'INVALID_INPUT',
      `The spec for ${label} says ${dimensions} dimensions, but the model produces ${width}. Fix the catalog entry.`,
    );
}
