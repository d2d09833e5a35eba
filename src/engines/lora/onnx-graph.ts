import { readNode, readTensor, type NodeInfo, type TensorInfo } from '../onnx-graph/graph.ts';
import { asString, fields, type Field } from '../onnx-graph/protobuf.ts';

/* Field numbers from onnx.proto that the LoRA rewrite needs beyond the shared graph reader. */
export const ONNX = {
  model: { graph: 7 },
  graph: { node: 1, initializer: 5, input: 11 },
  node: { output: 2 },
  valueInfo: { name: 1, type: 2 },
  type: { tensor: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
} as const;

export interface OnnxNode extends NodeInfo {
  /** The node's field in the graph, to rewrite it in place. */
  field: Field;
}

export interface OnnxGraph {
  modelFields: Field[];
  graphField: Field;
  graphFields: Field[];
  nodes: OnnxNode[];
  initializers: Map<string, TensorInfo>;
  inputNames: string[];
}

/**
 * Reads what LoRA needs from an ONNX model: nodes, initializer shapes and graph inputs.
 * Weights are never copied: fields are views into `model`.
 */
export function readOnnxGraph(model: Uint8Array): OnnxGraph {
  const modelFields = [...fields(model)];
  const graphField = modelFields.find((field) => field.number === ONNX.model.graph);
  if (!graphField) throw new Error('the model has no graph');
  const graphFields = [...fields(graphField.bytes)];
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, TensorInfo>();
  const inputNames: string[] = [];
  for (const field of graphFields) {
    if (field.number === ONNX.graph.node) nodes.push({ ...readNode(field.bytes), field });
    else if (field.number === ONNX.graph.initializer) {
      const tensor = readTensor(field.bytes);
      initializers.set(tensor.name, tensor);
    } else if (field.number === ONNX.graph.input) {
      const name = [...fields(field.bytes)].find((part) => part.number === ONNX.valueInfo.name);
      inputNames.push(name ? asString(name) : '');
    }
  }
  return { modelFields, graphField, graphFields, nodes, initializers, inputNames };
}
