import { DataType, readNode, readTensor, type NodeInfo, type TensorInfo } from '../../onnx-graph/graph.ts';
import { fields } from '../../onnx-graph/protobuf.ts';
import { parseProjectionName, PROJECTIONS, type Projection } from '../../lora/index.ts';

/** config.json fields the decoder reads (Hugging Face names). */
export interface LlamaConfigJson {
  model_type?: string;
  num_hidden_layers?: number;
  hidden_size?: number;
  intermediate_size?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  head_dim?: number;
  vocab_size?: number;
  rms_norm_eps?: number;
  rope_theta?: number;
  rope_scaling?: { rope_type?: string; type?: string } | null;
  partial_rotary_factor?: number;
  hidden_act?: string;
  sliding_window?: number | null;
  use_sliding_window?: boolean;
  attention_bias?: boolean;
  mlp_bias?: boolean;
}

export interface LlamaShape {
  layers: number;
  hidden: number;
  intermediate: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  eps: number;
  ropeTheta: number;
}

/** 4-bit weights as MatMulNBits stores them, rows of K: `packed` [N, K / 2] (weight 2j in the low nibble). */
export interface Q4Source {
  kind: 'q4';
  n: number;
  k: number;
  blockSize: number;
  packed: Uint8Array;
  /** [N, K / blockSize] */
  scales: Float32Array;
  /** [N, K / blockSize], unpacked; null means 8 (MatMulNBits' default). */
  zeros: Uint8Array | null;
}

/** Float weights: a MatMul's right-hand side [K, N] ('kn'), or an embedding table [vocab, hidden] ('nk'). */
export interface F32Source {
  kind: 'f32';
  layout: 'kn' | 'nk';
  n: number;
  k: number;
  data: Float32Array;
}

export type MatrixSource = Q4Source | F32Source;

export interface LlamaLayerSource {
  inputNorm: Float32Array;
  postNorm: Float32Array;
  projections: Record<Projection, MatrixSource>;
}

/** A Llama-family decoder read from an ONNX graph: every weight the forward pass needs, by role. */
export interface LlamaGraph {
  shape: LlamaShape;
  embedding: MatrixSource;
  layers: LlamaLayerSource[];
  finalNorm: Float32Array;
  /** 'tied': the LM head is the embedding's own 4-bit matrix (one copy of it). */
  lmHead: MatrixSource | 'tied';
  /** Bytes of every initializer in the files (what the weights cost on disk). */
  fileWeightBytes: number;
}

/** Why a graph is not one the WASM decoder runs; the engine then uses onnxruntime-web. */
export class NotALlamaGraph extends Error {}

const MS_DOMAIN = 'com.microsoft';
const LAYER_NORM = /layers[._](\d+)[._](input_layernorm|post_attention_layernorm)[._]weight$/;
const FINAL_NORM = /(^|[./_])norm[._]weight$/;
const IGNORABLE = /rotary|inv_freq|cos_cache|sin_cache|cos_cached|sin_cached/i;

/**
 * Reads the weights of a Llama-family decoder (RMSNorm, RoPE without scaling, grouped-query
 * attention without biases, SwiGLU MLP) from an ONNX export in the onnx-community layout, 4-bit
 * projections as MatMulNBits, and checks them against config.json. Roles come from names (the
 * projections as the LoRA rewrite finds them, norms by their Hugging Face names) and from the graph
 * (the embedding is the Gather of input_ids, the LM head makes `logits`). A weight it cannot place,
 * or a config it does not implement, throws NotALlamaGraph with the reason.
 */
export function readLlamaGraph(
  model: Uint8Array,
  externalData: ReadonlyMap<string, Uint8Array>,
  config: LlamaConfigJson,
): LlamaGraph {
  const shape = shapeOf(config);
  const modelFields = [...fields(model)];
  const graphField = modelFields.find((field) => field.number === 7);
  if (!graphField) throw new NotALlamaGraph('the file has no graph');
  const nodes: NodeInfo[] = [];
  const initializers = new Map<string, TensorInfo>();
  for (const field of fields(graphField.bytes)) {
    if (field.number === 1) nodes.push(readNode(field.bytes));
    else if (field.number === 5) {
      const tensor = readTensor(field.bytes);
      initializers.set(tensor.name, tensor);
    }
  }
  const used = new Set<string>();
  const bytesOf = (tensor: TensorInfo): Uint8Array => {
    if (tensor.raw) return tensor.raw;
    if (tensor.external) {
      const file = externalData.get(tensor.external.location);
      if (!file)
        throw new NotALlamaGraph(`${tensor.name} lives in ${tensor.external.location}, which was not given`);
      const { offset, length } = tensor.external;
      return file.subarray(offset, length === undefined ? file.length : offset + length);
    }
    throw new NotALlamaGraph(`${tensor.name} keeps its values in typed fields, not raw bytes`);
  };
  const initializer = (name: string | undefined): TensorInfo | undefined =>
    name === undefined ? undefined : initializers.get(name);
  const floats = (name: string, length?: number): Float32Array => {
    const tensor = initializer(name);
    if (!tensor) throw new NotALlamaGraph(`${name} is not an initializer`);
    used.add(name);
    const values = toFloat32(tensor, bytesOf(tensor));
    if (length !== undefined && values.length !== length)
      throw new NotALlamaGraph(`${name} has ${values.length} values, not ${length}`);
    return values;
  };

  const q4FromNBits = (node: NodeInfo): Q4Source => {
    const k = node.ints.get('K');
    const n = node.ints.get('N');
    const blockSize = node.ints.get('block_size');
    if (node.ints.get('bits') !== 4 || !k || !n || !blockSize)
      throw new NotALlamaGraph(`${node.name} is not a 4-bit MatMulNBits`);
    if (node.inputs.slice(4).some(Boolean)) throw new NotALlamaGraph(`${node.name} has g_idx or bias inputs`);
    return q4Source(node.inputs[1], node.inputs[2], node.inputs[3], n, k, blockSize, 'packed-zeros');
  };
  const q4Source = (
    packedName: string | undefined,
    scalesName: string | undefined,
    zerosName: string | undefined,
    n: number,
    k: number,
    blockSize: number,
    zeroLayout: 'packed-zeros' | 'by-shape',
  ): Q4Source => {
    if (blockSize % 32 !== 0 || k % blockSize !== 0)
      throw new NotALlamaGraph(
        `4-bit blocks of ${blockSize} over ${k} inputs (blocks must be multiples of 32)`,
      );
    const packedTensor = initializer(packedName);
    if (!packedTensor || packedTensor.dataType !== DataType.UINT8)
      throw new NotALlamaGraph(`${packedName} is not a uint8 initializer`);
    used.add(packedName!);
    const packed = bytesOf(packedTensor);
    if (packed.length !== (n * k) / 2) throw new NotALlamaGraph(`${packedName} has ${packed.length} bytes`);
    const blocks = k / blockSize;
    const scales = floats(scalesName ?? '', n * blocks);
    let zeros: Uint8Array | null = null;
    if (zerosName) {
      const zerosTensor = initializer(zerosName);
      if (!zerosTensor || zerosTensor.dataType !== DataType.UINT8)
        throw new NotALlamaGraph(`${zerosName} is not a uint8 initializer`);
      used.add(zerosName);
      zeros = unpackZeros(bytesOf(zerosTensor), zerosTensor.dims, n, blocks, zeroLayout);
    }
    return { kind: 'q4', n, k, blockSize, packed, scales, zeros };
  };
  const f32MatMul = (node: NodeInfo): F32Source => {
    const weight = initializer(node.inputs[1]);
    if (weight?.dims.length === 2) {
      const data = floats(weight.name);
      return { kind: 'f32', layout: 'kn', k: weight.dims[0]!, n: weight.dims[1]!, data };
    }
    throw new NotALlamaGraph(`${node.name} does not multiply by a [K, N] initializer`);
  };
  const matrixOf = (node: NodeInfo): MatrixSource => {
    if (node.opType === 'MatMulNBits' && node.domain === MS_DOMAIN) return q4FromNBits(node);
    if (node.opType === 'MatMul' && (node.domain === '' || node.domain === 'ai.onnx')) return f32MatMul(node);
    throw new NotALlamaGraph(`${node.name} is a ${node.opType}`);
  };

  // Projections.
  const projections = new Map<string, MatrixSource>();
  for (const node of nodes) {
    if (node.opType !== 'MatMul' && node.opType !== 'MatMulNBits') continue;
    const parsed = parseProjectionName(node.name) ?? parseProjectionName(node.inputs[1] ?? '');
    if (!parsed) continue;
    const key = `${parsed.layer}.${parsed.projection}`;
    if (projections.has(key)) throw new NotALlamaGraph(`two nodes are layer ${key}`);
    projections.set(key, matrixOf(node));
  }

  // Embedding: the Gather of input_ids.
  const gather = nodes.find(
    (node) =>
      node.inputs[1] === 'input_ids' &&
      ((node.opType === 'Gather' && node.domain === '') ||
        (node.opType === 'GatherBlockQuantized' && node.domain === MS_DOMAIN)),
  );
  if (!gather) throw new NotALlamaGraph('no Gather of input_ids (the embedding) was found');
  let embedding: MatrixSource;
  if (gather.opType === 'Gather') {
    const table = initializer(gather.inputs[0]);
    if (!table || table.dims.length !== 2) throw new NotALlamaGraph('the embedding is not a 2-D initializer');
    embedding = { kind: 'f32', layout: 'nk', n: table.dims[0]!, k: table.dims[1]!, data: floats(table.name) };
  } else {
    if ((gather.ints.get('gather_axis') ?? 0) !== 0 || (gather.ints.get('bits') ?? 4) !== 4)
      throw new NotALlamaGraph('the quantised embedding is not 4-bit, gathered on axis 0');
    const data = initializer(gather.inputs[0]);
    if (!data) throw new NotALlamaGraph('the quantised embedding has no data initializer');
    const quantizeAxis = gather.ints.get('quantize_axis') ?? 1;
    if (quantizeAxis !== data.dims.length - 1 && quantizeAxis !== -1)
      throw new NotALlamaGraph('the quantised embedding is not quantised along its last axis');
    embedding = q4Source(
      gather.inputs[0],
      gather.inputs[2],
      gather.inputs[3],
      data.dims[0]!,
      shape.hidden,
      gather.ints.get('block_size') ?? 128,
      'by-shape',
    );
  }

  // LM head: what makes the logits.
  const head = nodes.find((node) => node.outputs.includes('logits'));
  if (!head) throw new NotALlamaGraph('no node makes the logits');
  let lmHead: MatrixSource | 'tied';
  if (
    head.opType === 'MatMulNBits' &&
    gather.opType === 'GatherBlockQuantized' &&
    head.inputs[1] === gather.inputs[0]
  ) {
    lmHead = 'tied';
    // The head's own scales and zero points are the embedding's, regrouped: they are part of the file, not of the model we keep.
    for (const name of head.inputs.slice(2, 4)) if (name) used.add(name);
  } else lmHead = matrixOf(head);

  // Norms, by their names or by the names of Identity nodes over them (exporters fold equal weights
  // into one initializer and name the others through Identity).
  const names = new Map<string, string>([...initializers.keys()].map((name) => [name, name]));
  for (const node of nodes) {
    if (node.opType === 'Identity' && initializers.has(node.inputs[0] ?? ''))
      names.set(node.outputs[0]!, node.inputs[0]!);
  }
  const norms = new Map<string, Float32Array>();
  let finalNorm: Float32Array | undefined;
  for (const [name, source] of names) {
    const layerNorm = LAYER_NORM.exec(name);
    if (layerNorm) norms.set(`${layerNorm[1]}.${layerNorm[2]}`, floats(source, shape.hidden));
    else if (FINAL_NORM.test(name) && !/layers[._]\d/.test(name)) {
      if (finalNorm) throw new NotALlamaGraph(`two final norms (${name})`);
      finalNorm = floats(source, shape.hidden);
    }
  }
  if (!finalNorm) throw new NotALlamaGraph('no final norm weight (model.norm.weight) was found');

  const layers: LlamaLayerSource[] = [];
  for (let layer = 0; layer < shape.layers; layer++) {
    const inputNorm = norms.get(`${layer}.input_layernorm`);
    const postNorm = norms.get(`${layer}.post_attention_layernorm`);
    if (!inputNorm || !postNorm) throw new NotALlamaGraph(`layer ${layer} lacks its norm weights`);
    const found = {} as Record<Projection, MatrixSource>;
    for (const projection of PROJECTIONS) {
      const matrix = projections.get(`${layer}.${projection}`);
      if (!matrix) throw new NotALlamaGraph(`layer ${layer} has no ${projection}`);
      found[projection] = matrix;
    }
    layers.push({ inputNorm, postNorm, projections: found });
  }
  if (projections.size !== shape.layers * PROJECTIONS.length)
    throw new NotALlamaGraph(`the graph has projections past layer ${shape.layers - 1}`);
  checkShapes(shape, layers, embedding, lmHead);

  // Anything else the size of a weight would be computed by the graph and not by this decoder.
  let fileWeightBytes = 0;
  for (const tensor of initializers.values()) {
    const bytes = tensor.raw?.length ?? tensor.external?.length ?? 0;
    fileWeightBytes += bytes;
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    const isFloat = tensor.dataType === DataType.FLOAT || tensor.dataType === DataType.FLOAT16;
    if (!used.has(tensor.name) && isFloat && elements >= shape.hidden && !IGNORABLE.test(tensor.name))
      throw new NotALlamaGraph(
        `it has weights this decoder does not use (${tensor.name}, [${tensor.dims.join(', ')}])`,
      );
  }
  return { shape, embedding, layers, finalNorm, lmHead, fileWeightBytes };
}

function shapeOf(config: LlamaConfigJson): LlamaShape {
  const family = config.model_type ?? '';
  if (!['llama', 'mistral', 'qwen2', 'smollm3'].includes(family))
    throw new NotALlamaGraph(`model_type "${family}" is not a Llama-family model this decoder knows`);
  if ((config.hidden_act ?? 'silu') !== 'silu')
    throw new NotALlamaGraph(`hidden_act is ${config.hidden_act}`);
  const scaling = config.rope_scaling;
  if (scaling && (scaling.rope_type ?? scaling.type ?? 'default') !== 'default')
    throw new NotALlamaGraph('its RoPE is scaled');
  if (config.partial_rotary_factor !== undefined && config.partial_rotary_factor !== 1)
    throw new NotALlamaGraph('its RoPE is partial');
  if (typeof config.sliding_window === 'number' && config.use_sliding_window !== false)
    throw new NotALlamaGraph('it uses sliding-window attention');
  if (config.attention_bias || config.mlp_bias) throw new NotALlamaGraph('its projections have biases');
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const layers = config.num_hidden_layers;
  const intermediate = config.intermediate_size;
  const vocab = config.vocab_size;
  if (!hidden || !heads || !layers || !intermediate || !vocab)
    throw new NotALlamaGraph('config.json lacks hidden_size, heads, layers, intermediate_size or vocab_size');
  const kvHeads = config.num_key_value_heads ?? heads;
  const headDim = config.head_dim ?? hidden / heads;
  if (hidden % 32 || intermediate % 32)
    throw new NotALlamaGraph('hidden and intermediate sizes must be multiples of 32');
  if (headDim % 16 || heads % kvHeads)
    throw new NotALlamaGraph('head_dim must be a multiple of 16, heads a multiple of kv heads');
  if ((heads * headDim) % 32) throw new NotALlamaGraph('heads * head_dim must be a multiple of 32');
  return {
    layers,
    hidden,
    intermediate,
    heads,
    kvHeads,
    headDim,
    vocab,
    eps: config.rms_norm_eps ?? 1e-6,
    ropeTheta: config.rope_theta ?? 10000,
  };
}

function checkShapes(
  shape: LlamaShape,
  layers: LlamaLayerSource[],
  embedding: MatrixSource,
  lmHead: MatrixSource | 'tied',
): void {
  const { hidden, intermediate, heads, kvHeads, headDim, vocab } = shape;
  const want: Record<Projection, [number, number]> = {
    q_proj: [hidden, heads * headDim],
    k_proj: [hidden, kvHeads * headDim],
    v_proj: [hidden, kvHeads * headDim],
    o_proj: [heads * headDim, hidden],
    gate_proj: [hidden, intermediate],
    up_proj: [hidden, intermediate],
    down_proj: [intermediate, hidden],
  };
  layers.forEach((layer, index) => {
    for (const projection of PROJECTIONS) {
      const { k, n } = layer.projections[projection];
      const [wantK, wantN] = want[projection];
      if (k !== wantK || n !== wantN)
        throw new NotALlamaGraph(
          `layer ${index} ${projection} is [${k}, ${n}], config.json says [${wantK}, ${wantN}]`,
        );
    }
  });
  if (embedding.k !== hidden || embedding.n < vocab)
    throw new NotALlamaGraph(`the embedding is [${embedding.n}, ${embedding.k}]`);
  if (lmHead !== 'tied' && (lmHead.k !== hidden || lmHead.n < vocab))
    throw new NotALlamaGraph(`the LM head is [${lmHead.k}, ${lmHead.n}]`);
}

/**
 * Zero points per (row, block): MatMulNBits packs two blocks a byte per row ([N, ceil(blocks / 2)]);
 * GatherBlockQuantized packs them along its quantised (last) axis, whose shape tells how many blocks
 * a byte row holds.
 */
function unpackZeros(
  bytes: Uint8Array,
  dims: number[],
  n: number,
  blocks: number,
  layout: 'packed-zeros' | 'by-shape',
): Uint8Array {
  const out = new Uint8Array(n * blocks);
  // Blocks described by one byte row of the zero points, and how many such rows a weight row has.
  let perRow = blocks;
  if (layout === 'by-shape' && dims.length >= 2) {
    const last = dims[dims.length - 1]!;
    const rowsPerWeightRow = dims.slice(1, -1).reduce((a, b) => a * b, 1);
    perRow = blocks / rowsPerWeightRow;
    if (Math.ceil(perRow / 2) !== last) throw new NotALlamaGraph(`zero points of shape [${dims.join(', ')}]`);
  }
  const bytesPerRow = Math.ceil(perRow / 2);
  const groups = blocks / perRow;
  if (bytes.length !== n * groups * bytesPerRow)
    throw new NotALlamaGraph(`zero points of ${bytes.length} bytes`);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const group = Math.floor(b / perRow);
      const inner = b % perRow;
      const byte = bytes[(row * groups + group) * bytesPerRow + (inner >> 1)]!;
      out[row * blocks + b] = inner & 1 ? byte >> 4 : byte & 0x0f;
    }
  }
  return out;
}

function toFloat32(tensor: TensorInfo, bytes: Uint8Array): Float32Array {
  if (tensor.dataType === DataType.FLOAT) {
    const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4);
  }
  if (tensor.dataType === DataType.FLOAT16) {
    const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
    const half = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
    const out = new Float32Array(half.length);
    for (let i = 0; i < half.length; i++) out[i] = halfToFloat(half[i]!);
    return out;
  }
  throw new NotALlamaGraph(`${tensor.name} is not float32 or float16`);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
