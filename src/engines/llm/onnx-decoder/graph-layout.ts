import { HearthError } from '../../../core/errors.ts';

/** The decoder's inputs and outputs as the graph names them, and the KV cache shape per layer. */
export interface DecoderLayout {
  inputIds: string;
  attentionMask: string | null;
  positionIds: string | null;
  logits: string;
  layers: Array<{ pastKey: string; pastValue: string; presentKey: string; presentValue: string }>;
  kvHeads: number;
  headDim: number;
  kvType: 'float32' | 'float16';
}

/** The part of a session the layout is read from (names, and shapes/types where ORT gives them). */
export interface DecoderGraphIo {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: ReadonlyArray<{
    name: string;
    isTensor: boolean;
    type?: string;
    shape?: ReadonlyArray<number | string>;
  }>;
}

export interface ModelConfig {
  num_hidden_layers?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  head_dim?: number;
  hidden_size?: number;
  max_position_embeddings?: number;
  vocab_size?: number;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

/**
 * Reads the onnx-community decoder layout (`input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.N.key/value` -> `logits`, `present.N.key/value`) from the graph; the KV shape
 * comes from the graph's input shapes where they are fixed numbers, else from config.json.
 */
export function readDecoderLayout(graph: DecoderGraphIo, config: ModelConfig, file: string): DecoderLayout {
  const inputs = new Set(graph.inputNames);
  const outputs = new Set(graph.outputNames);
  const malformed = (what: string) =>
    new HearthError(
      'MODEL_FILE_MALFORMED',
      `${file} is not a decoder with a KV cache in the onnx-community layout: ${what}. Use an ONNX export with past_key_values inputs.`,
    );
  if (!inputs.has('input_ids')) throw malformed('no input_ids input');
  if (!outputs.has('logits')) throw malformed('no logits output');

  const layerCount = new Map<number, Set<string>>();
  for (const name of graph.inputNames) {
    const match = PAST.exec(name);
    if (!match) continue;
    const layer = Number(match[1]);
    if (!layerCount.has(layer)) layerCount.set(layer, new Set());
    layerCount.get(layer)!.add(match[2]!);
  }
  if (layerCount.size === 0) throw malformed('no past_key_values.N.key/value inputs');
  const layers: DecoderLayout['layers'] = [];
  for (let layer = 0; layer < layerCount.size; layer++) {
    const kinds = layerCount.get(layer);
    if (!kinds || kinds.size !== 2) throw malformed(`layer ${layer} lacks a past key or value`);
    const entry = {
      pastKey: `past_key_values.${layer}.key`,
      pastValue: `past_key_values.${layer}.value`,
      presentKey: `present.${layer}.key`,
      presentValue: `present.${layer}.value`,
    };
    if (!outputs.has(entry.presentKey) || !outputs.has(entry.presentValue)) {
      throw malformed(`no present.${layer}.key/value outputs`);
    }
    layers.push(entry);
  }
  if (config.num_hidden_layers !== undefined && config.num_hidden_layers !== layers.length) {
    throw malformed(`config.json says ${config.num_hidden_layers} layers, the graph has ${layers.length}`);
  }

  const pastMeta = graph.inputMetadata?.find((meta) => meta.name === layers[0]!.pastKey);
  const shape = pastMeta?.shape ?? [];
  // [batch, kv_heads, past_sequence_length, head_dim]
  const fromGraph = (index: number) =>
    typeof shape[index] === 'number' ? (shape[index] as number) : undefined;
  const kvHeads = fromGraph(1) ?? config.num_key_value_heads ?? config.num_attention_heads;
  const headDim =
    fromGraph(3) ??
    config.head_dim ??
    (config.hidden_size && config.num_attention_heads
      ? config.hidden_size / config.num_attention_heads
      : undefined);
  if (!kvHeads || !headDim) throw malformed('the KV cache shape is neither in the graph nor in config.json');
  const kvType = pastMeta?.type === 'float16' ? 'float16' : 'float32';

  return {
    inputIds: 'input_ids',
    attentionMask: inputs.has('attention_mask') ? 'attention_mask' : null,
    positionIds: inputs.has('position_ids') ? 'position_ids' : null,
    logits: 'logits',
    layers,
    kvHeads,
    headDim,
    kvType,
  };
}
