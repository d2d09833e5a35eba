import { decodeMessage, fieldString, readInt64s, type RawField } from './protobuf.ts';

/* Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto). */
export const ONNX = {
  model: { graph: 7 },
  graph: { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { name: 1, i: 3, type: 20 },
  tensor: { dims: 1, dataType: 2, name: 8 },
  valueInfo: { name: 1, type: 2 },
  type: { tensor: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
} as const;

export const TensorElementType = { FLOAT: 1, FLOAT16: 10 } as const;

export interface OnnxNode {
  /** Index of this node's field in the graph's field list. */
  fieldIndex: number;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  intAttributes: Map<string, bigint>;
  fields: RawField[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: number;
}

export interface OnnxGraph {
  modelFields: RawField[];
  graphFieldIndex: number;
  graphFields: RawField[];
  nodes: OnnxNode[];
  initializers: Map<string, OnnxInitializer>;
  inputNames: string[];
}

function strings(fields: RawField[], number: number): string[] {
  return fields.filter((f) => f.field === number).map(fieldString);
}

function readNode(field: RawField, fieldIndex: number): OnnxNode {
  const fields = decodeMessage(field.payload!);
  const intAttributes = new Map<string, bigint>();
  for (const attribute of fields.filter((f) => f.field === ONNX.node.attribute)) {
    const attributeFields = decodeMessage(attribute.payload!);
    const name = strings(attributeFields, ONNX.attribute.name)[0];
    const value = attributeFields.find((f) => f.field === ONNX.attribute.i)?.varint;
    if (name !== undefined && value !== undefined) intAttributes.set(name, value);
  }
  return {
    fieldIndex,
    name: strings(fields, ONNX.node.name)[0] ?? '',
    opType: strings(fields, ONNX.node.opType)[0] ?? '',
    domain: strings(fields, ONNX.node.domain)[0] ?? '',
    inputs: strings(fields, ONNX.node.input),
    outputs: strings(fields, ONNX.node.output),
    intAttributes,
    fields,
  };
}

function readInitializer(field: RawField): OnnxInitializer {
  const fields = decodeMessage(field.payload!);
  return {
    name: strings(fields, ONNX.tensor.name)[0] ?? '',
    dims: readInt64s(fields, ONNX.tensor.dims).map(Number),
    dataType: Number(fields.find((f) => f.field === ONNX.tensor.dataType)?.varint ?? 0n),
  };
}

/**
 * Reads what LoRA needs from an ONNX model: nodes, initializer shapes and graph inputs.
 * Weights are never copied: fields are views into `model`.
 */
export function readOnnxGraph(model: Uint8Array): OnnxGraph {
  const modelFields = decodeMessage(model);
  const graphFieldIndex = modelFields.findIndex((f) => f.field === ONNX.model.graph);
  if (graphFieldIndex < 0) throw new Error('the model has no graph');
  const graphFields = decodeMessage(modelFields[graphFieldIndex]!.payload!);
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxInitializer>();
  const inputNames: string[] = [];
  graphFields.forEach((field, index) => {
    if (field.field === ONNX.graph.node) nodes.push(readNode(field, index));
    else if (field.field === ONNX.graph.initializer) {
      const initializer = readInitializer(field);
      initializers.set(initializer.name, initializer);
    } else if (field.field === ONNX.graph.input) {
      inputNames.push(strings(decodeMessage(field.payload!), ONNX.valueInfo.name)[0] ?? '');
    }
  });
  return { modelFields, graphFieldIndex, graphFields, nodes, initializers, inputNames };
}
