import { HearthError } from '../core/errors.ts';
import { catalogSchema, type CatalogEntry, type Dtype, type ModelFile } from './catalog-schema.ts';
import { DEMO_BASE_URL, demoFiles } from './demo-entries.ts';

export const HUB_BASE_URL = 'https://huggingface.co';

/** Megabytes as the hub's listing rounds them. */
const mb = (megabytes: number) => Math.round(megabytes * 1_000_000);

/** Files of transformers.js-style exports that a BERT embedder reads. */
const bertFiles: ModelFile[] = [
  { path: 'config.json' },
  { path: 'tokenizer.json' },
  { path: 'tokenizer_config.json' },
  { path: 'special_tokens_map.json' },
];

/** Files of a decoder export that a chat engine reads. */
const decoderFiles: ModelFile[] = [...bertFiles, { path: 'generation_config.json' }];

const tinyEmbed = demoFiles('hearth-demo/tiny-embed');
const tinyChat = demoFiles('hearth-demo/tiny-llama-chat');

/**
 * The models Hearth knows. Hub layouts and sizes were read from each repository's file listing
 * (sizes there are rounded, so they are kept as `approxSize` and hashes are left to the hub's
 * `X-Linked-Etag`); the architecture facts come from each model's config.json and model card.
 * The bundled demo models are pinned exactly from their files.
 */
export const catalog: readonly CatalogEntry[] = catalogSchema.parse([
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    kind: 'embed',
    description: 'sentence-transformers/all-MiniLM-L6-v2: small, fast English sentence embeddings.',
    license: 'apache-2.0',
    source: { baseUrl: HUB_BASE_URL, repo: 'Xenova/all-MiniLM-L6-v2', revision: 'main' },
    files: bertFiles,
    dtypes: {
      fp32: { files: [{ path: 'onnx/model.onnx', approxSize: mb(90.4) }] },
      fp16: { files: [{ path: 'onnx/model_fp16.onnx', approxSize: mb(45.3) }] },
      q8: { files: [{ path: 'onnx/model_quantized.onnx', approxSize: mb(23) }] },
    },
    defaultDtype: 'fp32',
    // sentence-transformers truncates at 256 word pieces (max_seq_length), below BERT's 512 positions.
    embed: {
      dimensions: 384,
      pooling: 'mean',
      normalize: true,
      maxTokens: 256,
      queryPrefix: '',
      passagePrefix: '',
    },
  },
  {
    id: 'Xenova/bge-small-en-v1.5',
    kind: 'embed',
    description: 'BAAI/bge-small-en-v1.5: English retrieval embeddings; queries take an instruction prefix.',
    license: 'mit',
    source: { baseUrl: HUB_BASE_URL, repo: 'Xenova/bge-small-en-v1.5', revision: 'main' },
    files: bertFiles,
    dtypes: {
      fp32: { files: [{ path: 'onnx/model.onnx', approxSize: mb(133) }] },
      fp16: { files: [{ path: 'onnx/model_fp16.onnx', approxSize: mb(66.7) }] },
      q8: { files: [{ path: 'onnx/model_quantized.onnx', approxSize: mb(34) }] },
    },
    defaultDtype: 'fp32',
    embed: {
      dimensions: 384,
      pooling: 'cls',
      normalize: true,
      maxTokens: 512,
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
      passagePrefix: '',
    },
  },
  {
    id: 'onnx-community/SmolLM2-135M-Instruct-ONNX',
    kind: 'chat',
    description: 'HuggingFaceTB/SmolLM2-135M-Instruct: a 135M-parameter Llama-style chat model.',
    license: 'apache-2.0',
    source: { baseUrl: HUB_BASE_URL, repo: 'onnx-community/SmolLM2-135M-Instruct-ONNX', revision: 'main' },
    files: decoderFiles,
    dtypes: {
      fp32: { files: [{ path: 'onnx/model.onnx' }] },
      fp16: { files: [{ path: 'onnx/model_fp16.onnx' }] },
      q8: { files: [{ path: 'onnx/model_quantized.onnx' }] },
      q4: { files: [{ path: 'onnx/model_q4.onnx' }] },
      q4f16: { files: [{ path: 'onnx/model_q4f16.onnx' }] },
    },
    // 4-bit MatMulNBits runs on WASM and on WebGPU without shader-f16.
    defaultDtype: 'q4',
    chat: {
      architecture: 'llama',
      contextLength: 8192,
      layers: 30,
      hiddenSize: 576,
      attentionHeads: 9,
      keyValueHeads: 3,
      headDim: 64,
      vocabSize: 49152,
      chatFormat: 'chatml',
    },
  },
  {
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    kind: 'chat',
    description: 'Qwen/Qwen2.5-0.5B-Instruct: a 0.5B-parameter multilingual chat model with tool calling.',
    license: 'apache-2.0',
    source: { baseUrl: HUB_BASE_URL, repo: 'onnx-community/Qwen2.5-0.5B-Instruct', revision: 'main' },
    files: decoderFiles,
    dtypes: {
      fp32: { files: [{ path: 'onnx/model.onnx', approxSize: mb(1990) }] },
      fp16: { files: [{ path: 'onnx/model_fp16.onnx', approxSize: mb(997) }] },
      q8: { files: [{ path: 'onnx/model_quantized.onnx', approxSize: mb(512) }] },
      q4: { files: [{ path: 'onnx/model_q4.onnx', approxSize: mb(786) }] },
      q4f16: { files: [{ path: 'onnx/model_q4f16.onnx', approxSize: mb(483) }] },
    },
    defaultDtype: 'q4',
    chat: {
      architecture: 'qwen2',
      contextLength: 32768,
      layers: 24,
      hiddenSize: 896,
      attentionHeads: 14,
      keyValueHeads: 2,
      headDim: 64,
      vocabSize: 151936,
      chatFormat: 'chatml',
    },
  },
  {
    id: 'hearth-demo/tiny-embed',
    kind: 'embed',
    description: 'A tiny BERT-style embedder made by tests/fixtures for demos and tests.',
    license: 'apache-2.0',
    source: { baseUrl: DEMO_BASE_URL, repo: 'hearth-demo/tiny-embed', revision: tinyEmbed.revision },
    files: tinyEmbed.files,
    dtypes: tinyEmbed.dtypes,
    defaultDtype: 'fp32',
    embed: {
      dimensions: 64,
      pooling: 'mean',
      normalize: true,
      maxTokens: 128,
      queryPrefix: '',
      passagePrefix: '',
    },
  },
  {
    id: 'hearth-demo/tiny-llama-chat',
    kind: 'chat',
    description: 'A tiny Llama-style chat model made by tests/fixtures for demos and tests.',
    license: 'apache-2.0',
    source: { baseUrl: DEMO_BASE_URL, repo: 'hearth-demo/tiny-llama-chat', revision: tinyChat.revision },
    files: tinyChat.files,
    dtypes: tinyChat.dtypes,
    defaultDtype: 'fp32',
    chat: {
      architecture: 'llama',
      contextLength: 512,
      layers: 2,
      hiddenSize: 64,
      attentionHeads: 4,
      keyValueHeads: 2,
      headDim: 16,
      vocabSize: 1024,
      chatFormat: 'chatml',
    },
  },
]);

export function findModel(id: string): CatalogEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}

export function getModel(id: string): CatalogEntry {
  const entry = findModel(id);
  if (!entry) {
    throw new HearthError(
      'MODEL_UNKNOWN',
      `No model "${id}" in the catalog. Known models: ${catalog.map((e) => e.id).join(', ')}.`,
    );
  }
  return entry;
}

/** The files one variant of a model needs: the common files, then the graph of that dtype. */
export function filesFor(entry: CatalogEntry, dtype: Dtype = entry.defaultDtype): ModelFile[] {
  const variant = entry.dtypes[dtype];
  if (!variant) {
    throw new HearthError(
      'DTYPE_UNAVAILABLE',
      `${entry.id} has no ${dtype} variant; pick one of ${Object.keys(entry.dtypes).join(', ')}.`,
    );
  }
  return [...entry.files, ...variant.files];
}
