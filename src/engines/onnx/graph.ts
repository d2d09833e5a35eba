import { asString, fields, int64s, MessageWriter, type Field } from './protobuf.ts';

// ONNX field numbers (onnx.proto3).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
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

export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7, FLOAT16: 10 } as const;

/** An initializer; `raw` is a view into the model bytes (absent for external or typed-field data). */
export interface TensorInfo {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array | undefined;
}

export interface NodeInfo {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
  /** Integer attributes. */
  ints: Map<string, number>;
}

export function readTensor(bytes: Uint8Array): TensorInfo {
  let name = '';
  let dataType = 0;
  let raw: Uint8Array | undefined;
  for (const field of fields(bytes)) {
    if (field.number === TENSOR_NAME) name = asString(field);
    else if (field.number === TENSOR_DATA_TYPE) dataType = Number(field.varint);
    else if (field.number === TENSOR_RAW_DATA) raw = field.bytes;
  }
  return { name, dims: int64s(bytes, TENSOR_DIMS), dataType, raw };
}

export function readNode(bytes: Uint8Array): NodeInfo {
  const node: NodeInfo = { inputs: [], outputs: [], name: '', opType: '', domain: '', ints: new Map() };
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

export interface GraphTransform {
  /** Called for each node of the main graph, in order; undefined keeps the node. */
  rewrite(node: NodeInfo, initializers: ReadonlyMap<string, TensorInfo>): NodeRewrite | undefined;
}

/**
 * Applies node-level rewrites to the main graph of an ONNX model and re-encodes it. Everything not
 * rewritten is copied byte for byte; node order (a topological order) is kept, replacements in place.
 * Returns how many nodes each transform rewrote.
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
  for (const field of graphFields) {
    if (field.number !== GRAPH_INITIALIZER) continue;
    const tensor = readTensor(field.bytes);
    initializers.set(tensor.name, tensor);
  }

  const counts = transforms.map(() => 0);
  const replacements = new Map<Field, NodeRewrite>();
  const consumed = new Set<string>();
  const stillUsed = new Set<string>();
  for (const field of graphFields) {
    if (field.number !== GRAPH_NODE) continue;
    const node = readNode(field.bytes);
    let rewrite: NodeRewrite | undefined;
    for (let i = 0; i < transforms.length && !rewrite; i++) {
      rewrite = transforms[i]!.rewrite(node, initializers);
      if (rewrite) counts[i]!++;
    }
    if (!rewrite) {
      node.inputs.forEach((name) => stillUsed.add(name));
      continue;
    }
    replacements.set(field, rewrite);
    rewrite.consumes?.forEach((name) => consumed.add(name));
  }
  if (replacements.size === 0) return { model, counts };

  const graph = new MessageWriter();
  const added: MessageWriter[] = [];
  for (const field of graphFields) {
    const rewrite = replacements.get(field);
    if (rewrite) {
      for (const node of rewrite.nodes) graph.bytesField(GRAPH_NODE, node);
      added.push(...(rewrite.initializers ?? []));
    } else if (field.number === GRAPH_INITIALIZER) {
      const name = readTensor(field.bytes).name;
      if (!consumed.has(name) || stillUsed.has(name)) graph.raw(field.raw);
    } else graph.raw(field.raw);
  }
  for (const tensor of added) graph.bytesField(GRAPH_INITIALIZER, tensor);

  const out = new MessageWriter();
  for (const field of modelFields) {
    if (field === graphField) out.bytesField(MODEL_GRAPH, graph);
    else out.raw(field.raw);
  }
  return { model: out.toBytes(), counts };
}
