import { asString, fields, int64s, MessageWriter, type Field } from './protobuf.ts';

// ONNX field numbers (onnx.proto3).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_SHAPE = 2;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTR_NAME = 1;
const ATTR_I = 3;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const LOCATION_EXTERNAL = 1;

export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7, FLOAT16: 10 } as const;

/** An initializer; `raw` is a view into the model bytes (absent for external or typed-field data). */
export interface TensorInfo {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array | undefined;
  /** Where the bytes are when they live in an external data file (`model.onnx_data`). */
  external?: ExternalData;
}

/** A tensor's bytes in an external data file: `length` bytes from `offset` (the whole file when absent). */
export interface ExternalData {
  location: string;
  offset: number;
  length: number | undefined;
}

export interface NodeInfo {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
  /** Integer attributes. */
  ints: Map<string, number>;
  /** The NodeProto it was read from. */
  bytes: Uint8Array;
}

export function readTensor(bytes: Uint8Array): TensorInfo {
  let name = '';
  let dataType = 0;
  let raw: Uint8Array | undefined;
  let externalLocation = false;
  const entries = new Map<string, string>();
  for (const field of fields(bytes)) {
    if (field.number === TENSOR_NAME) name = asString(field);
    else if (field.number === TENSOR_DATA_TYPE) dataType = Number(field.varint);
    else if (field.number === TENSOR_RAW_DATA) raw = field.bytes;
    else if (field.number === TENSOR_DATA_LOCATION)
      externalLocation = field.varint === BigInt(LOCATION_EXTERNAL);
    else if (field.number === TENSOR_EXTERNAL_DATA) {
      let key = '';
      let value = '';
      for (const part of fields(field.bytes)) {
        if (part.number === ENTRY_KEY) key = asString(part);
        else if (part.number === ENTRY_VALUE) value = asString(part);
      }
      entries.set(key, value);
    }
  }
  const tensor: TensorInfo = { name, dims: int64s(bytes, TENSOR_DIMS), dataType, raw };
  if (externalLocation && entries.has('location')) {
    const length = entries.get('length');
    tensor.external = {
      location: entries.get('location')!,
      offset: Number(entries.get('offset') ?? 0),
      length: length === undefined ? undefined : Number(length),
    };
  }
  return tensor;
}

export function readNode(bytes: Uint8Array): NodeInfo {
  const node: NodeInfo = {
    inputs: [],
    outputs: [],
    name: '',
    opType: '',
    domain: '',
    ints: new Map(),
    bytes,
  };
  for (const field of fields(bytes)) {
    if (field.number === NODE_INPUT) node.inputs.push(asString(field));
    else if (field.number === NODE_OUTPUT) node.outputs.push(asString(field));
    else if (field.number === NODE_NAME) node.name = asString(field);
    else if (field.number === NODE_OP_TYPE) node.opType = asString(field);
    else if (field.number === NODE_DOMAIN) node.domain = asString(field);
    else if (field.number === NODE_ATTRIBUTE) {
      let name = '';
      let value: number | undefined;
      for (const part of fields(field.bytes)) {
        if (part.number === ATTR_NAME) name = asString(part);
        else if (part.number === ATTR_I) value = Number(BigInt.asIntN(64, part.varint));
      }
      if (value !== undefined) node.ints.set(name, value);
    }
  }
  return node;
}

export function tensorMessage(
  name: string,
  dims: number[],
  dataType: number,
  data: ArrayBufferView,
): MessageWriter {
  const message = new MessageWriter();
  for (const dim of dims) message.varintField(TENSOR_DIMS, dim);
  message.varintField(TENSOR_DATA_TYPE, dataType);
  message.stringField(TENSOR_NAME, name);
  return message.bytesField(TENSOR_RAW_DATA, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** "To the end" as a Slice bound. */
export const INT64_MAX = 2n ** 63n - 1n;

/** One int64 value as an initializer: shape [1] (Slice bounds and axes), or [] for a scalar index. */
export function int64Message(name: string, value: bigint, dims: [] | [1] = [1]): MessageWriter {
  return tensorMessage(name, dims, DataType.INT64, BigInt64Array.of(value));
}

/** A plain (default-domain, attribute-free) node. */
export function nodeMessage(
  opType: string,
  name: string,
  inputs: string[],
  outputs: string[],
): MessageWriter {
  const message = new MessageWriter();
  for (const input of inputs) message.stringField(NODE_INPUT, input);
  for (const output of outputs) message.stringField(NODE_OUTPUT, output);
  return message.stringField(NODE_NAME, name).stringField(NODE_OP_TYPE, opType);
}

/** What a transform puts in place of one node. */
export interface NodeRewrite {
  nodes: MessageWriter[];
  initializers?: MessageWriter[];
  /** Initializers the old node used that may go (dropped unless another node still uses them). */
  consumes?: string[];
}

/** Changes to the graph as a whole, decided once from its inputs and outputs. */
export interface GraphEdit {
  /** Tensor names replaced in the inputs and outputs of every node the transforms keep or write. */
  renames?: ReadonlyMap<string, string>;
  /** Nodes placed before the first node: they may read graph inputs and initializers only. */
  prologue?: MessageWriter[];
  /** Nodes placed after the last one. */
  epilogue?: MessageWriter[];
  initializers?: MessageWriter[];
  /** Graph outputs whose declared shape no longer holds: the shape is dropped (and their value_info). */
  reshapedOutputs?: ReadonlySet<string>;
}

export interface GraphSignature {
  inputs: string[];
  outputs: string[];
}

export interface GraphTransform {
  /** Called once, before any node; undefined leaves the graph as a whole alone. */
  graph?(signature: GraphSignature): GraphEdit | undefined;
  /** Called for each node of the main graph, in order; undefined keeps the node. */
  rewrite?(node: NodeInfo, initializers: ReadonlyMap<string, TensorInfo>): NodeRewrite | undefined;
}

/**
 * Applies rewrites to the main graph of an ONNX model and re-encodes it, in one copy of the bytes.
 * Everything not rewritten is copied byte for byte; node order (a topological order) is kept,
 * replacements in place, prologues first and epilogues last. Returns how many nodes each
 * transform rewrote (a graph-level edit counts one).
 */
export function rewriteGraph(
  model: Uint8Array,
  transforms: GraphTransform[],
): { model: Uint8Array; counts: number[] } {
  const modelFields = [...fields(model)];
  const graphField = modelFields.find((field) => field.number === MODEL_GRAPH);
  if (!graphField) throw new Error('no graph in the model');
  const graphFields = [...fields(graphField.bytes)];
  const initializers = new Map<string, TensorInfo>();
  const signature: GraphSignature = { inputs: [], outputs: [] };
  for (const field of graphFields) {
    if (field.number === GRAPH_INITIALIZER) {
      const tensor = readTensor(field.bytes);
      initializers.set(tensor.name, tensor);
    } else if (field.number === GRAPH_INPUT) signature.inputs.push(valueInfoName(field.bytes));
    else if (field.number === GRAPH_OUTPUT) signature.outputs.push(valueInfoName(field.bytes));
  }

  const counts = transforms.map(() => 0);
  const edits: GraphEdit[] = [];
  transforms.forEach((transform, i) => {
    const edit = transform.graph?.(signature);
    if (!edit) return;
    edits.push(edit);
    counts[i]!++;
  });
  const renames = new Map<string, string>();
  for (const edit of edits) edit.renames?.forEach((to, from) => renames.set(from, to));
  const reshaped = new Set<string>();
  for (const edit of edits) edit.reshapedOutputs?.forEach((name) => reshaped.add(name));

  const replacements = new Map<Field, NodeRewrite>();
  const consumed = new Set<string>();
  const stillUsed = new Set<string>();
  const nodeFields: Field[] = [];
  for (const field of graphFields) {
    if (field.number !== GRAPH_NODE) continue;
    nodeFields.push(field);
    // Transforms compose: each one sees the nodes the ones before it wrote in place of this node.
    let current: Array<{ node: NodeInfo; bytes: Uint8Array | MessageWriter }> = [
      { node: readNode(field.bytes), bytes: field.bytes },
    ];
    const combined: NodeRewrite = { nodes: [], initializers: [], consumes: [] };
    let rewritten = false;
    transforms.forEach((transform, i) => {
      if (!transform.rewrite) return;
      current = current.flatMap((entry) => {
        const rewrite = transform.rewrite!(entry.node, initializers);
        if (!rewrite) return [entry];
        counts[i]!++;
        rewritten = true;
        combined.initializers!.push(...(rewrite.initializers ?? []));
        combined.consumes!.push(...(rewrite.consumes ?? []));
        return rewrite.nodes.map((writer) => ({ node: readNode(writer.toBytes()), bytes: writer }));
      });
    });
    if (!rewritten) {
      current[0]!.node.inputs.forEach((name) => stillUsed.add(name));
      continue;
    }
    combined.nodes = current.map((entry) =>
      entry.bytes instanceof MessageWriter ? entry.bytes : new MessageWriter().raw(entry.bytes),
    );
    replacements.set(field, combined);
    combined.consumes!.forEach((name) => consumed.add(name));
  }
  if (replacements.size === 0 && edits.length === 0) return { model, counts };

  const graph = new MessageWriter();
  const added: MessageWriter[] = edits.flatMap((edit) => edit.initializers ?? []);
  const writeNode = (node: Uint8Array | MessageWriter) =>
    graph.bytesField(GRAPH_NODE, renames.size === 0 ? node : renameTensors(node, renames));
  for (const field of graphFields) {
    if (field === nodeFields[0]) {
      for (const edit of edits) for (const node of edit.prologue ?? []) graph.bytesField(GRAPH_NODE, node);
    }
    const rewrite = replacements.get(field);
    if (rewrite) {
      for (const node of rewrite.nodes) writeNode(node);
      added.push(...(rewrite.initializers ?? []));
    } else if (field.number === GRAPH_NODE) writeNode(field.bytes);
    else if (field.number === GRAPH_INITIALIZER) {
      const name = readTensor(field.bytes).name;
      if (!consumed.has(name) || stillUsed.has(name)) graph.raw(field.raw);
    } else if (field.number === GRAPH_OUTPUT && reshaped.has(valueInfoName(field.bytes))) {
      graph.bytesField(GRAPH_OUTPUT, withoutShape(field.bytes));
    } else if (field.number === GRAPH_VALUE_INFO && reshaped.has(valueInfoName(field.bytes))) {
      // Dropped: ORT infers the new shape.
    } else graph.raw(field.raw);
    if (field === nodeFields.at(-1)) {
      for (const edit of edits) for (const node of edit.epilogue ?? []) graph.bytesField(GRAPH_NODE, node);
    }
  }
  for (const tensor of added) graph.bytesField(GRAPH_INITIALIZER, tensor);

  const out = new MessageWriter();
  for (const field of modelFields) {
    if (field === graphField) out.bytesField(MODEL_GRAPH, graph);
    else out.raw(field.raw);
  }
  return { model: out.toBytes(), counts };
}

function valueInfoName(bytes: Uint8Array): string {
  for (const field of fields(bytes)) if (field.number === VALUE_INFO_NAME) return asString(field);
  return '';
}

/** A node with some input and output names replaced, every other field byte for byte. */
function renameTensors(
  node: Uint8Array | MessageWriter,
  renames: ReadonlyMap<string, string>,
): MessageWriter {
  const bytes = node instanceof MessageWriter ? node.toBytes() : node;
  const writer = new MessageWriter();
  for (const field of fields(bytes)) {
    const renamed =
      field.number === NODE_INPUT || field.number === NODE_OUTPUT ? renames.get(asString(field)) : undefined;
    if (renamed === undefined) writer.raw(field.raw);
    else writer.stringField(field.number, renamed);
  }
  return writer;
}

/** A ValueInfoProto with its tensor type's shape removed (name and element type kept). */
function withoutShape(valueInfo: Uint8Array): MessageWriter {
  const rebuild = (bytes: Uint8Array, path: number[]): MessageWriter => {
    const writer = new MessageWriter();
    for (const field of fields(bytes)) {
      if (field.number !== path[0]) writer.raw(field.raw);
      else if (path.length === 1) continue;
      else writer.bytesField(field.number, rebuild(field.bytes, path.slice(1)));
    }
    return writer;
  };
  return rebuild(valueInfo, [VALUE_INFO_TYPE, TYPE_TENSOR, TENSOR_TYPE_SHAPE]);
}
